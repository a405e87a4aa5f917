/** The latency part: elections over loopback UDP beside the one-hop latency, a relay ring and the bare election. */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchRing } from '../cluster/launch.js';
import { type NodeSettings, defaultNodeSettings } from '../cluster/node-config.js';
import { summarize } from '../cluster/ring-summary.js';
import { ceilLog2 } from '../core/bound.js';
import { randomIds } from '../config/ids.js';
import { launchOnFreePorts } from '../cluster/free-ports.js';
import { type BareElection, runBareElection } from './bare-election.js';
import { busySince, cpuPerDatagram, machineBusyMs } from './machine-cpu.js';
import type { Progress } from './progress.js';
import { type RelayRing, measureRelayRing } from './relay-ring.js';
import { median, min, quantile, round } from './stats.js';

const echoPeer = fileURLToPath(new URL('./echo-peer.js', import.meta.url));

export interface LatencyPlan {
  readonly sizes: readonly number[];
  readonly repetitions: number;
  readonly pingRounds: number;
  /** Single-datagram laps of the relay ring. */
  readonly relayLaps: number;
  /** Node settings other than the defaults (e.g. another ack delay, from `--node-flags`) for comparisons. */
  readonly nodeSettings?: NodeSettings;
}

export const FULL_LATENCY: LatencyPlan = { sizes: [8, 16, 32, 64], repetitions: 5, pingRounds: 2000, relayLaps: 20 };
export const QUICK_LATENCY: LatencyPlan = { sizes: [8], repetitions: 1, pingRounds: 200, relayLaps: 5 };

/** One-way latency between two processes over loopback UDP, from round trips halved (ms). */
export interface OneHop {
  readonly rounds: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
}

/** The same elections (same ids) by processes with our core but no link layer: see bare-election.ts. */
export interface BareRow {
  readonly runs: number;
  /** Runs in which every node decided on the maximum (a lost datagram stalls a bare election). */
  readonly completed: number;
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  /** Datagrams = algorithm messages, median over the completed runs. */
  readonly datagramsMedian: number | null;
  readonly cpuMsMedian: number | null;
  /** Busy CPU per datagram over all completed runs (µs), as for the real elections. */
  readonly cpuUsPerDatagram: number | null;
}

export interface LatencyRow {
  readonly n: number;
  readonly runs: number;
  readonly elected: number;
  /** From the start signal (all nodes up) to the last decision, over the repetitions (ms). */
  readonly electionMedianMs: number | null;
  readonly electionMinMs: number | null;
  readonly electionMaxMs: number | null;
  readonly retransmissionsMedian: number;
  readonly datagramsMedian: number;
  /** Datagrams sent (acks and retransmissions included) per algorithm message, median over the runs. */
  readonly datagramsPerMessage: number | null;
  /** Busy CPU of the whole machine from the start signal to the last decision, median over the runs (ms). */
  readonly cpuMsMedian: number | null;
  /**
   * Busy CPU per datagram sent, over all elected runs (µs); beside relay.cpuUsPerDatagram, what a
   * datagram costs us more than the floor. Null when the runs' CPU was too little to read (10 ms ticks).
   */
  readonly cpuUsPerDatagram: number | null;
  /** Ping-pong between two busy processes: the best case of one hop. */
  readonly oneHop: OneHop;
  /** n minimal relay processes in a ring, as many as the election had, measured after its runs. */
  readonly relay: RelayRing;
  /** Sequential hops on HS's longest causal chain (see criticalPathHops). */
  readonly criticalPathHops: number;
  /** criticalPathHops × the ping-pong hop: an optimistic limit (two busy processes, no wake-ups). */
  readonly criticalPathMs: number;
  /** Median election time / criticalPathMs. */
  readonly overCriticalPath: number | null;
  /**
   * criticalPathHops × the relay ring's hop: the limit the target is held to. On the critical path
   * every hop wakes another, idle process, as in the ring and unlike in the ping-pong.
   */
  readonly ringCriticalPathMs: number;
  /** Median election time / ringCriticalPathMs. */
  readonly overRingCriticalPath: number | null;
  /** Median election time / the relay ring's time for the election's median number of datagrams. */
  readonly overRelayFloor: number | null;
  /** The same elections without the link layer, run alternately with ours. */
  readonly bare: BareRow;
  /** Median election time / the bare elections' median: what reliability and the node runtime cost. */
  readonly overBare: number | null;
}

/**
 * Hops on the critical path of an HS election on n ≥ 2 nodes: the maximum's probes and
 * replies of phases 0..L-1 (2^l out and 2^l back each, L = ceil(log2 n)), its last probe
 * all the way round (n), then its announcement to the last node (n - 1). Everything else runs
 * alongside.
 */
export function criticalPathHops(n: number): number {
  if (n < 2) return 1;
  const L = ceilLog2(n);
  return 2 * (2 ** L - 1) + n + (n - 1);
}

/** Ping-pong with an echo process over loopback UDP; one hop is half a round trip. */
export async function measureOneHop(rounds: number): Promise<OneHop> {
  const child = spawn(process.execPath, [echoPeer], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)));
      child.once('error', reject);
    });
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const payload = Buffer.alloc(32);
    const once = () =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        socket.once('message', () => resolve(performance.now() - t0));
        socket.send(payload, port, '127.0.0.1');
      });
    // Warm both ends' JIT and the scheduler first, as the nodes' warm-up does.
    for (let i = 0; i < Math.min(200, rounds); i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) samples.push((await once()) / 2);
    socket.close();
    return { rounds, medianMs: round(median(samples), 4), p90Ms: round(quantile(samples, 0.9), 4), minMs: round(min(samples), 4) };
  } finally {
    child.stdin!.end();
    child.kill();
  }
}

/** Elections of 8..64 node processes on loopback beside the one-hop latency measured in the same run. */
export async function runLatencyBench(plan: LatencyPlan, progress: Progress): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const n of plan.sizes) {
    const oneHop = await measureOneHop(plan.pingRounds);
    const times: number[] = [];
    const retx: number[] = [];
    const datagrams: number[] = [];
    const perMessage: number[] = [];
    const cpuMs: number[] = [];
    let busyTotal = 0;
    let busyDatagrams = 0;
    let elected = 0;
    const bareRuns: BareElection[] = [];
    for (let rep = 0; rep < plan.repetitions; rep++) {
      const seed = 100 + rep;
      const ids = randomIds(n, seed);
      const runBare = async () => {
        try {
          bareRuns.push(await runBareElection(ids));
        } catch (err) {
          progress(`latency: n = ${n}, bare run ${rep + 1}: ${(err as Error).message}`);
        }
      };
      // Alternating which goes first, so that neither always meets the machine right after the other.
      if (rep % 2 === 1) await runBare();
      const host = '127.0.0.1';
      let outcome;
      let busyAtStart: number | null = null;
      let busy: number | null = null;
      try {
        outcome = await launchOnFreePorts(host, n, (ports) =>
          launchRing({
            members: ids.map((id, i) => ({ id, host, port: ports[i]! })),
            node: plan.nodeSettings ?? defaultNodeSettings(),
            // Generous: on a saturated machine starting 64 Node.js processes takes tens of seconds.
            readyTimeoutMs: 120_000 + 1000 * n,
            onStart: () => (busyAtStart = machineBusyMs()),
            onAllDecided: () => (busy = busySince(busyAtStart)),
          }),
        );
      } catch (err) {
        // A start-up failure is reported as a failed run, not as the end of the whole bench.
        progress(`latency: n = ${n}, run ${rep + 1}: ${(err as Error).message}`);
        if (rep % 2 === 0) await runBare();
        continue;
      }
      const s = summarize(ids, seed, outcome.results, { electionMs: outcome.electionMs, elapsedMs: outcome.elapsedMs });
      if (s.outcome === 'elected' && outcome.electionMs !== null) {
        elected += 1;
        times.push(outcome.electionMs);
      }
      retx.push(s.datagrams.retransmissions);
      datagrams.push(s.datagrams.sent);
      if (s.messages.total > 0) perMessage.push(s.datagrams.sent / s.messages.total);
      if (busy !== null && s.outcome === 'elected') {
        cpuMs.push(busy);
        busyTotal += busy;
        busyDatagrams += s.datagrams.sent;
      }
      if (rep % 2 === 0) await runBare();
    }
    const dgMedian = datagrams.length ? median(datagrams) : 0;
    const relay = await measureRelayRing(n, plan.relayLaps, Math.max(n, dgMedian));
    const hops = criticalPathHops(n);
    const limit = hops * relay.hopMs;
    const pingPongLimit = hops * oneHop.medianMs;
    const med = times.length ? median(times) : null;
    const usPerDatagram = cpuPerDatagram(busyTotal, busyDatagrams);
    const bare = bareRow(plan.repetitions, bareRuns);
    rows.push({
      n,
      runs: plan.repetitions,
      elected,
      electionMedianMs: med === null ? null : round(med, 1),
      electionMinMs: times.length ? round(min(times), 1) : null,
      electionMaxMs: times.length ? round(Math.max(...times), 1) : null,
      retransmissionsMedian: median(retx),
      datagramsMedian: dgMedian,
      datagramsPerMessage: perMessage.length ? round(median(perMessage), 3) : null,
      cpuMsMedian: cpuMs.length ? round(median(cpuMs), 0) : null,
      // Totals over the runs, not a median of runs: a small ring's election is only a tick or two.
      cpuUsPerDatagram: usPerDatagram,
      oneHop,
      relay,
      criticalPathHops: hops,
      criticalPathMs: round(pingPongLimit, 2),
      overCriticalPath: med === null ? null : round(med / pingPongLimit, 1),
      ringCriticalPathMs: round(limit, 2),
      overRingCriticalPath: med === null ? null : round(med / limit, 1),
      overRelayFloor: med === null ? null : round(med / relay.floorMs, 1),
      bare,
      overBare: med === null || bare.medianMs === null ? null : round(med / bare.medianMs, 1),
    });
    progress(
      `latency: n = ${n}: median ${med?.toFixed(1)} ms; ring hop ${relay.hopMs} ms (ping-pong ${oneHop.medianMs}), ` +
        `limit ${limit.toFixed(1)} ms; ${relay.datagrams} datagrams through a bare relay ring ${relay.floorMs} ms; ` +
        `CPU per datagram ${usPerDatagram ?? '-'} µs (relay ring ${relay.cpuUsPerDatagram ?? '-'} µs); ` +
        `without the link layer ${bare.medianMs ?? '-'} ms (${bare.completed}/${bare.runs} completed), ${bare.cpuUsPerDatagram ?? '-'} µs per datagram`,
    );
  }
  return rows;
}

function bareRow(runs: number, results: readonly BareElection[]): BareRow {
  const done = results.filter((r) => r.electionMs !== null && r.elected);
  const times = done.map((r) => r.electionMs!);
  const withCpu = done.filter((r) => r.cpuMs !== null);
  const cpu = withCpu.map((r) => r.cpuMs!);
  return {
    runs,
    completed: done.length,
    medianMs: times.length ? round(median(times), 1) : null,
    minMs: times.length ? round(min(times), 1) : null,
    maxMs: times.length ? round(Math.max(...times), 1) : null,
    datagramsMedian: done.length ? median(done.map((r) => r.datagrams)) : null,
    cpuMsMedian: cpu.length ? round(median(cpu), 0) : null,
    cpuUsPerDatagram: cpuPerDatagram(
      cpu.reduce((a, b) => a + b, 0),
      withCpu.reduce((a, r) => a + r.datagrams, 0),
    ),
  };
}
