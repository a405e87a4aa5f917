/** The bench results as text tables. */
import { MEMORY_TARGET_MB, type Rss } from './memory.js';
import { OVERHEAD_TARGETS } from './overhead.js';
import { FAILOVER_TARGETS, type Times, settingLabel } from './failover.js';
import type { BenchResults } from './run.js';

/** The human-readable report of a bench run: one table per part. */
export function formatBench(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`hs-ring bench${r.quick ? ' --quick' : ''}: node ${m.node}, ${m.cpus} CPUs, load ${m.loadAverage.join(' ')}`);
  if (r.messages) {
    out.push('', 'Algorithm messages (simulator): HS against its bound and against LCR');
    out.push(table(
      ['n', 'bound', 'HS max', '(order)', 'max/bound', 'HS mean rnd', 'LCR mean rnd', 'n·H_n+n', 'LCR max', 'HS/LCR mean', 'HS/LCR worst'],
      r.messages.comparison.map((c) => [c.n, c.bound, c.hsMax, c.hsMaxOrder, c.hsMaxOverBound, c.hsMeanRandom, c.lcrMeanRandom, c.lcrMeanTheory, c.lcrMax, c.hsOverLcrMean, c.hsOverLcrWorst]),
    ));
    const computed = r.messages.rows.filter((x) => x.computed > 0);
    if (computed.length) {
      out.push(`(LCR counts computed exactly instead of simulated, too slow to simulate: ${computed.map((x) => `n=${x.n} ${x.order}`).join(', ')})`);
    }
  }
  if (r.overhead) {
    out.push('', 'Datagrams per algorithm message (simulator, random ids)');
    out.push(table(
      ['one-way ms', 'n', 'loss', 'ack delay', 'datagrams/msg', 'pure acks/msg', 'retx/msg', 'election ms', 'target'],
      r.overhead.map((o) => [o.delayMs.join('-'), o.n, `${Math.round(o.loss * 100)}%`, `${o.ackDelayMs}${o.isDefault ? ' (default)' : ''}`, o.datagramsPerMessage, o.pureAcksPerMessage, o.retransmissionsPerMessage, o.electionMs, target(o.loss, o.datagramsPerMessage)]),
    ));
  }
  if (r.latency) {
    const flags = r.nodeFlags?.length ? `; nodes run with ${r.nodeFlags.join(' ')}` : '';
    out.push('', `Election over loopback UDP, one process per node (from start signal to last decision${flags})`);
    out.push(table(
      ['n', 'elected', 'median ms', 'min', 'max', 'retx (median)', 'datagrams', 'dg/msg', 'ping-pong hop ms', 'ring hop ms', 'path hops', 'limit ms', 'median/limit', 'relay ring ms', 'median/relay', 'CPU ms', 'CPU µs/dg', 'relay µs/dg'],
      r.latency.map((l) => [
        l.n, `${l.elected}/${l.runs}`, l.electionMedianMs, l.electionMinMs, l.electionMaxMs, l.retransmissionsMedian, l.datagramsMedian, l.datagramsPerMessage,
        l.oneHop.medianMs, l.relay.hopMs, l.criticalPathHops, l.ringCriticalPathMs, l.overRingCriticalPath, l.relay.floorMs, l.overRelayFloor,
        l.cpuMsMedian, l.cpuUsPerDatagram, l.relay.cpuUsPerDatagram,
      ]),
    ));
    out.push(
      '(limit = path hops × ring hop: one datagram round a ring of n bare relay processes; relay ring = as many datagrams as the',
      ' election sent, n at a time, through that ring: what the machine allows a ring of n Node.js processes at all;',
      ' CPU = busy CPU of the whole machine from start signal to last decision (/proc/stat, 10 ms ticks), median per run; µs/dg from',
      ' the totals over all runs, beside the relay ring\'s over its datagram laps; "-" where too little CPU to read)',
    );
    out.push('', 'The same elections (same ids, run alternately) without the link layer: our core and codec on raw sockets, no acks, no retransmission');
    out.push(table(
      ['n', 'completed', 'median ms', 'min', 'max', 'datagrams', 'CPU ms', 'CPU µs/dg', 'ours/bare (median)'],
      r.latency.map((l) => [l.n, `${l.bare.completed}/${l.bare.runs}`, l.bare.medianMs, l.bare.minMs, l.bare.maxMs, l.bare.datagramsMedian, l.bare.cpuMsMedian, l.bare.cpuUsPerDatagram, l.overBare]),
    ));
  }
  if (r.scale) {
    out.push('', 'Scale: simulator, random ids (ideal: cores over exactly-once channels; full link: frames, acks, retransmission, timers)');
    out.push(table(
      ['n', 'channels', 'messages', 'datagrams', 'events', 'wall ms', 'msgs/s', 'events/s', 'peak heap MiB', 'peak RSS MiB', 'heap B/node'],
      r.scale.sim.map((s) => [s.n, s.link === 'ideal' ? 'ideal' : 'full link', s.algorithmMessages, s.datagrams, s.events, s.wallMs, s.messagesPerSecond, s.eventsPerSecond, s.peakHeapMiB, s.peakRssMiB, s.heapBytesPerNode]),
    ));
    out.push('(message counts may differ a little between the two: acks and jitter draw on the same seeded scheduler, so the interleaving differs)');
    out.push('', 'Scale: many nodes per process over UDP');
    out.push(table(
      ['nodes', 'processes', 'outcome', 'election ms', 'messages', 'datagrams', 'retx', 'RSS/process MiB', 'RSS/node KiB'],
      r.scale.udp.map((u) => [u.nodes, u.processes, u.outcome, u.electionMs, u.algorithmMessages, u.datagrams, u.retransmissions, u.rssPerProcessMiB, u.rssPerNodeKiB]),
    ));
  }
  if (r.memory) {
    out.push('', 'Resident memory of node processes (/proc/PID/status; median over processes; MiB = 2^20 bytes, MB = 10^6 bytes)');
    const both = (x: Rss | null) => (x === null ? null : `${x.mib.toFixed(1)} (${x.mb.toFixed(1)})`);
    out.push(table(
      ['processes', 'nodes/process', 'outcome', 'start-up ms', 'ready MiB (MB)', 'after decision MiB (MB)', 'peak MiB (MB)', 'max peak MiB (MB)', `≤ ${MEMORY_TARGET_MB} MB`],
      r.memory.map((x) => [
        x.processes, x.nodesPerProcess, x.outcome, x.startupMedianMs,
        both(x.readyRss), both(x.decidedRss), both(x.peakRss), both(x.maxPeakRss),
        x.targetMet === null ? '' : x.targetMet ? 'met' : 'missed',
      ]),
    ));
    out.push(`(start-up: from spawn to ready, all processes starting at once; the target is per one-node process, at its peak)`);
  }
  if (r.compare) {
    const dash = (x: number | null) => (x === null ? '-' : Math.round(x * 10) / 10);
    // HS and LCR elect once and stop: they have no failover, idle traffic or partition behaviour to measure.
    const oneShot = (c: { algorithm: string }, x: number | null) => (c.algorithm === 'hs' || c.algorithm === 'lcr' ? 'no (one-shot)' : dash(x));
    out.push('', 'HS, LCR, Bully and Raft-style election, same ids (simulator, virtual time, delays 1-10 ms; means over the seeds)');
    out.push(table(
      ['algorithm', 'n', 'election msgs', 'heartbeats before agreed', 'election ms', 'failover ms', 'idle datagrams/s', 'leaders under partition'],
      r.compare.sim.map((c) => [c.algorithm, c.n, dash(c.electionMessages), dash(c.heartbeatsDuringElection), dash(c.electionMs), oneShot(c, c.failoverMs), oneShot(c, c.idleDatagramsPerSecond), oneShot(c, c.leadersUnderPartition)]),
    ));
    out.push('(failover: the leader crashes 500 ms after the election, to a new leader every survivor knows; partition: the leader and a minority cut off for 5 s, the most leaders acting at once)');
    out.push('', 'Messages per election against n (simulator, no loss; heartbeats aside)');
    const sizes = [...new Set(r.compare.messages.map((m) => m.n))];
    const algorithms = [...new Set(r.compare.messages.map((m) => m.algorithm))];
    out.push(table(
      ['n', ...algorithms],
      sizes.map((n) => [n, ...algorithms.map((a) => {
        const m = r.compare!.messages.find((x) => x.n === n && x.algorithm === a);
        if (!m) return '-';
        return m.elected === m.runs ? dash(m.electionMessages) : `${dash(m.electionMessages)} (elected ${m.elected}/${m.runs})`;
      })]),
    ));
    out.push('(a count marked "elected k/r": in r - k runs no leader was in office after 3 simulated seconds, the count is of an election still going on)');
    out.push('', 'Election over loopback UDP, one process, a socket per node (ring for HS and LCR, full mesh for Bully and Raft-style)');
    out.push(table(
      ['algorithm', 'n', 'elected', 'median ms', 'datagrams', 'most leaders at once', 'max event-loop delay ms'],
      r.compare.udp.map((u) => [u.algorithm, u.n, `${u.elected}/${u.runs}`, dash(u.electionMedianMs), u.datagramsMedian, u.maxLeadersAtOnce, u.loopDelayMaxMs]),
    ));
    out.push('(mesh: to the first instant every node knows one leader that alone acts; ring: to the last decision; datagrams include the heartbeats of the settle time)');
    out.push('', 'Failover over loopback UDP: the leader crashed 200 ms after the agreement, to a new leader every survivor knows (HS, LCR: no failover, one-shot)');
    out.push(table(
      ['algorithm', 'n', 'failed over', 'median ms'],
      r.compare.udpFailover.map((f) => [f.algorithm, f.n, `${f.failedOver}/${f.runs}`, dash(f.failoverMedianMs)]),
    ));
  }
  if (r.failover) {
    const t = (x: Times) => (x.completed === 0 ? `- (0/${x.runs})` : `${x.p50} / ${x.p99} / ${x.max}${x.completed < x.runs ? ` (${x.completed}/${x.runs})` : ''}`);
    const met = (ok: boolean | null) => (ok === null ? '-' : ok ? 'met' : 'missed');
    const under = (x: Times, limit: number) => (x.p99 === null ? null : x.completed === x.runs && x.p99 <= limit);
    out.push('', 'Failover of leadership members (node --stay) over loopback UDP, one process per member; ms on the host\'s monotonic clock, p50 / p99 / max');
    out.push(table(
      ['n', 'faults', 'crash: to next leader', `p99 ≤ ${FAILOVER_TARGETS.crashP99Ms}`, 'resign: to successor', `p99 ≤ ${FAILOVER_TARGETS.resignP99Ms}`, 'cut off: to its step-down', 'before lease end', 'cut off: to next leader', 'overlaps', 'tokens'],
      r.failover.map((f) => [
        settingLabel(f.n, f.heartbeats), f.crash.runs, t(f.crash), met(under(f.crash, FAILOVER_TARGETS.crashP99Ms)), t(f.resign), met(under(f.resign, FAILOVER_TARGETS.resignP99Ms)),
        t(f.partition.stepDown), `${f.partition.stepDownBeforeLeaseEnd}/${f.partition.stepDown.runs}`, t(f.partition.failover), f.overlaps, f.tokenProblems === 0 ? 'increasing' : `${f.tokenProblems} problems`,
      ]),
    ));
    out.push(
      '(crash: SIGKILL of the leader in office; resign: SIGTERM, it resigns before exiting; cut off: the members\' SIGUSR2 chaos hook, all the',
      ` leader sends and receives lost; "before lease end": its deposed line before the end of the last lease it logged (target ≤ ${FAILOVER_TARGETS.stepDownMs} ms from the cut);`,
      ' each fault once the leader had been in office 600 ms, every member ready but the last victim at most (restarting); overlaps and tokens over every run of that size)',
    );
    out.push('', 'Leader changes with no fault (false failovers) under loss, and the cost of an idle member (per member, per second)');
    out.push(table(
      ['n', 'loss', 'run s', 'lost share', 'leader changes', `= ${FAILOVER_TARGETS.falseFailovers}`, 'suspicions by followers', 'expected', 'if late', 'by leaders', 'idle s', 'leader sent/s', 'leader recv/s', 'leader CPU %', 'follower sent/s', 'follower recv/s', 'follower CPU %'],
      r.failover.map((f) => [
        settingLabel(f.n, f.heartbeats), `${Math.round(f.lossRun.loss * 100)}%`, f.lossRun.runMs / 1000, f.lossRun.lostShare, f.lossRun.falseFailovers, met(f.lossRun.falseFailovers === FAILOVER_TARGETS.falseFailovers),
        f.lossRun.suspicions.byFollowers, f.lossRun.suspicions.expectedByFollowers, f.lossRun.suspicions.expectedByFollowersIfLate ?? 'simulated', f.lossRun.suspicions.byLeaders,
        f.idle.seconds, f.idle.leader.sentPerS, f.idle.leader.receivedPerS, f.idle.leader.cpuPercent, f.idle.follower.sentPerS, f.idle.follower.receivedPerS, f.idle.follower.cpuPercent,
      ]),
    ));
    out.push(
      '(leader changes: terms in office after the first, before the stop; suspicions: in calm time (every member up, none starting), expected from',
      ' falseSuspicionRate at that loss, and if every heartbeat due at the deadline S = 3H is late (ring heartbeats: the simulator\'s count for that ring and loss,',
      ' timers on time); a leader hears each follower twice per period; ring: followers heartbeat their two live ring neighbours (spec/leadership.md §6);',
      ' CPU % of one core from /proc/PID/stat over the idle window;',
      ' datagrams over the member\'s life)',
    );
  }
  if (r.worker) {
    out.push('', 'Payment worker chaos run per coordinator and timeout setting (examples/payment-worker; one coordinator at a time, same workload)');
    out.push(table(
      ['coordinator', 'timeout ms', 'margin ms', 'loss', 'verdict', 'gap p50 ms', 'p99', 'max', 'leader changes', 'kills', 'pauses', 'false failovers', 'per min', 'stale refused', 'payments/s', 'run s', 'CPU replicas s', 'CPU all s'],
      r.worker.rows.map((w) => [
        w.coordinator, `${w.leaseMs}${w.isDefault ? ' (default)' : ''}`, w.marginMs, `${Math.round(w.loss * 100)}%`, w.passed ? 'passed' : 'FAILED',
        w.gapMs.p50, w.gapMs.p99, w.gapMs.max, w.leaderChanges, w.kills, w.pauses, w.falseFailovers, w.falseFailoversPerMinute,
        w.staleWritesRefused, w.paymentsPerSecond, w.runSeconds, w.replicaCpuSeconds, w.totalCpuSeconds,
      ]),
    ));
    out.push(
      '(timeout: ZooKeeper session timeout, etcd lease TTL (whole seconds), ring lease; false failovers: terms that ended because the',
      ' leader\'s signal fired while it ran unpaused; CPU all: the runner and everything it started, servers\' start-up included)',
    );
    for (const [c, why] of Object.entries(r.worker.skipped)) out.push(`${c}: not run here: ${why}`);
  }
  for (const [p, e] of Object.entries(r.errors)) out.push('', `${p}: FAILED: ${e}`);
  if (r.wallSeconds !== undefined) out.push('', `bench took ${r.wallSeconds} s`);
  return out.join('\n');
}

function target(loss: number, value: number): string {
  const t = OVERHEAD_TARGETS[String(loss)];
  return t === undefined ? '' : `≤ ${t}: ${value <= t ? 'met' : 'missed'}`;
}

/** A plain-text table with right-aligned columns. */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [head.map(String), ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
}
