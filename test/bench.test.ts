/** The bench: its exact counts and models, /proc sampling, and a quick run of the command. */
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBareElection } from '../src/bench/bare-election.js';
import { criticalPathHops } from '../src/bench/latency.js';
import { messageBound } from '../src/core/bound.js';
import { busySince, cpuPerDatagram, machineBusyMs } from '../src/bench/machine-cpu.js';
import { rss } from '../src/bench/memory.js';
import { lcrExactMessages as lcrMessages } from '../src/core/lcr.js';
import { DEFAULT_PARTS, type BenchResults } from '../src/bench/run.js';
import { runCli } from './helpers/cli.js';

test('bench: LCR message count is n(n+1)/2 + n on a descending ring and 3n - 1 on an ascending one', (t) => {
  t.is(lcrMessages([5, 4, 3, 2, 1]), 15 + 5);
  t.is(lcrMessages([1, 2, 3, 4, 5]), 4 + 5 + 5);
  t.is(lcrMessages([7]), 2);
});

test('bench: the HS critical path is phases 0..L-1 out and back, one lap, and the announcement', (t) => {
  t.is(criticalPathHops(8), 2 * 7 + 8 + 7);
  t.is(criticalPathHops(64), 2 * 63 + 64 + 63);
  t.is(criticalPathHops(5), 2 * 7 + 5 + 4);
});

test('bench: machine CPU from /proc/stat counts a busy loop of this process', (t) => {
  const before = machineBusyMs();
  t.not(before, null, 'this is Linux: /proc/stat is there');
  const until = performance.now() + 200;
  while (performance.now() < until);
  // At least most of the 200 ms this thread spun (10 ms ticks), whatever else the machine did.
  t.true(busySince(before)! >= 150, `busy ${busySince(before)} ms`);
});

test('bench: CPU per datagram comes from totals, and is withheld when too few 10 ms ticks were read', (t) => {
  t.is(cpuPerDatagram(550, 1775), 310);
  t.is(cpuPerDatagram(40, 96), null);
  t.is(cpuPerDatagram(100, 0), null);
});

test('bench --quick --json --out: every election part runs, elections are correct, results and plots are written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-bench-test-'));
  try {
    // The parts a plain bench runs; failover has its own test below, worker its chaos test.
    const parts = DEFAULT_PARTS.join(',');
    const r = await runCli(['bench', '--quick', '--json', '--only', parts, '--out', dir], 110_000);
    t.is(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as BenchResults;
    t.deepEqual(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')).quick, true);
    t.deepEqual(res.errors, {}, 'no part failed');
    // MessageBound holds in every size; LCR matches its exact count (checked inside the bench).
    for (const c of res.messages!.comparison) t.true(c.hsMax <= c.bound, `n=${c.n}: ${c.hsMax} > ${c.bound}`);
    t.deepEqual([...new Set(res.overhead!.map((o) => o.loss))], [0, 0.1, 0.3]);
    for (const o of res.overhead!) t.true(o.datagramsPerMessage >= 1, 'every message is at least one datagram');
    t.is(res.latency![0]!.elected, res.latency![0]!.runs);
    t.true(res.latency![0]!.oneHop.medianMs > 0);
    // The yardstick ring really relayed: a positive hop, and the election's datagrams pushed through it.
    t.true(res.latency![0]!.relay.hopMs > 0 && res.latency![0]!.relay.floorMs > 0);
    t.true(res.latency![0]!.relay.datagrams >= res.latency![0]!.n);
    // Real UDP overhead, not a placeholder: at least one datagram per message. (The quick run is too
    // short for a CPU reading; cpuPerDatagram has its own test.)
    t.true(res.latency![0]!.datagramsPerMessage! >= 1);
    // The link-less yardstick ran the same election to the end, one datagram per message.
    const bare = res.latency![0]!.bare;
    t.is(bare.completed, bare.runs);
    t.true(bare.datagramsMedian! >= 8 && bare.datagramsMedian! <= messageBound(8), `${bare.datagramsMedian} datagrams`);
    t.true(res.latency![0]!.overBare! > 0);
    t.is(res.scale!.udp[0]!.outcome, 'elected');
    // Each simulated size once over ideal channels (datagrams = messages), once over the full link.
    t.deepEqual(res.scale!.sim.map((s) => s.link), ['ideal', 'full']);
    t.is(res.scale!.sim[0]!.datagrams, res.scale!.sim[0]!.algorithmMessages);
    t.true(res.scale!.sim[1]!.datagrams > res.scale!.sim[1]!.algorithmMessages);
    const memory = res.memory![0]!;
    t.is(memory.outcome, 'elected');
    // A real reading of a Node.js process, not a placeholder.
    t.true(memory.peakRss!.mib > 20 && memory.maxPeakRss!.mib >= memory.peakRss!.mib);
    t.true(memory.startupMedianMs! > 0);
    // One plot per question of the comparison besides the parts' own plots, each a whole SVG document.
    const comparePlotFiles = ['compare-messages.svg', 'compare-udp-election.svg', 'compare-failover.svg', 'compare-idle.svg', 'compare-partition.svg'];
    for (const plot of ['messages.svg', 'latency.svg', 'overhead.svg', ...comparePlotFiles]) {
      const svg = await readFile(join(dir, plot), 'utf8');
      t.regex(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, plot);
      t.regex(svg, /<\/svg>\s*$/, `${plot} is complete`);
    }
    // The compare plots draw the measured rows: a marker per algorithm and size on the messages plot.
    const messagesSvg = await readFile(join(dir, 'compare-messages.svg'), 'utf8');
    for (const label of ['HS', 'LCR', 'Bully', 'Raft-style']) t.true(messagesSvg.includes(`>${label}</text>`), `legend has ${label}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench: the election without a link layer elects the maximum in separate processes, one datagram per algorithm message', async (t) => {
  const ids = [16, 3, 12, 7, 1, 9, 14, 5];
  const r = await runBareElection(ids);
  t.true(r.elected, JSON.stringify(r));
  t.is(r.decided, ids.length);
  t.true(r.electionMs! > 0);
  // At least the announcement round and phase 0's probes; never above the bound.
  t.true(r.datagrams >= 3 * ids.length && r.datagrams <= messageBound(ids.length), `${r.datagrams} datagrams`);
});

test('bench: resident memory is shown in both units, so the 60 MB target (10^6 bytes) is not read against MiB (2^20 bytes)', (t) => {
  // /proc reports KiB: 61440 KiB is 60 MiB but 62.9 MB, over the target.
  t.deepEqual(rss(61440), { mib: 60, mb: 62.9 });
  t.deepEqual(rss(46080), { mib: 45, mb: 47.2 });
  t.is(rss(null), null);
});

test('bench: bad --latency-sizes, --node-flags and --failover-rings are refused in one line before anything is measured', async (t) => {
  for (const [args, message] of [
    [['--failover-rings', '16,2'], /--failover-rings must list ring sizes 3\.\.64, each optionally with :ring, got "16,2"/],
    [['--failover-rings', '16:rings'], /--failover-rings must list ring sizes/],
    [['--failover-rings', '16:ring'], /--failover-rings is for the failover part: add --only failover/],
    [['--latency-sizes', '8,0'], /--latency-sizes must list ring sizes 1\.\.256, got "8,0"/],
    [['--latency-sizes', '8,x'], /--latency-sizes must list ring sizes/],
    [['--node-flags=--ack-delay -3'], /--node-flags: --ack-delay must be a non-negative number of ms, got -3/],
    [['--node-flags=--bogus 1'], /--node-flags: Unknown argument: bogus/],
  ] as const) {
    const r = await runCli(['bench', '--only', 'latency', ...args]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.is(r.stdout, '', 'nothing measured');
  }
});

test('bench: --node-flags reach the latency part\'s nodes and are recorded; --latency-sizes picks its rings', async (t) => {
  const r = await runCli(['bench', '--only', 'latency', '--quick', '--json', '--latency-sizes', '3', '--node-flags=--ack-delay 0']);
  t.is(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as BenchResults;
  t.deepEqual(res.nodeFlags, ['--ack-delay', '0']);
  t.deepEqual(res.latency!.map((l) => l.n), [3]);
  // With no ack delay every data frame is acknowledged at once: far more datagrams than messages.
  t.true(res.latency![0]!.datagramsPerMessage! > 1.3, `${res.latency![0]!.datagramsPerMessage} datagrams per message`);
});

test('bench: an unknown --only part is refused in one line', async (t) => {
  const r = await runCli(['bench', '--only', 'messages,speed']);
  t.is(r.code, 2);
  t.regex(r.stderr, /--only: unknown part "speed"/);
});

test('bench --only compare --quick: HS, LCR, Bully and Raft-style measured side by side, each electing over UDP', async (t) => {
  const r = await runCli(['bench', '--only', 'compare', '--quick', '--json'], 60_000);
  t.is(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout) as BenchResults;
  t.deepEqual(b.errors, {});
  const sim = b.compare!.sim;
  t.deepEqual([...new Set(sim.map((c) => c.algorithm))], ['hs', 'lcr', 'bully', 'raft']);
  // Only the mesh algorithms keep a leader after a crash, and Bully's leader keeps acting inside a partition while Raft's steps down.
  t.true(sim.filter((c) => c.algorithm === 'hs').every((c) => c.failoverMs === null));
  t.true(sim.filter((c) => c.algorithm === 'bully' || c.algorithm === 'raft').every((c) => c.failoverMs !== null && c.failoverMs > 0));
  t.true(sim.filter((c) => c.algorithm === 'raft').every((c) => c.leadersUnderPartition === 1));
  t.true(sim.filter((c) => c.algorithm === 'bully').every((c) => c.leadersUnderPartition! >= 2));
  t.true(b.compare!.udp.every((u) => u.elected === u.runs), JSON.stringify(b.compare!.udp));
  // Messages alone at more sizes; Bully's all-start election costs exactly its bound.
  t.deepEqual([...new Set(b.compare!.messages.map((m) => m.n))], [8, 16]);
  t.true(b.compare!.messages.filter((m) => m.algorithm === 'bully').every((m) => m.electionMessages === m.bound));
  // Failover over UDP is measured for the mesh algorithms only, and every run found a new leader.
  t.deepEqual(b.compare!.udpFailover.map((f) => f.algorithm), ['bully', 'raft']);
  t.true(b.compare!.udpFailover.every((f) => f.failedOver === f.runs && f.failoverMedianMs! > 0), JSON.stringify(b.compare!.udpFailover));
});

test.serial('bench --only failover --quick: every fault answered by a new leader, the cut-off leader steps down before its lease ends, no overlap', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-bench-failover-'));
  try {
    const r = await runCli(['bench', '--only', 'failover', '--quick', '--json', '--out', dir], 120_000);
    t.is(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as BenchResults;
    t.deepEqual(res.errors, {});
    const [row] = res.failover!;
    t.log(JSON.stringify(row));
    for (const x of [row!.crash, row!.resign, row!.partition.stepDown, row!.partition.failover]) t.is(x.completed, x.runs);
    // The lease bounds the step-down: a leader cut off must stop acting before its lease can end.
    t.is(row!.partition.stepDownBeforeLeaseEnd, row!.partition.stepDown.runs);
    t.is(row!.overlaps, 0);
    t.is(row!.tokenProblems, 0);
    // Real counts: a leader renews with every other member, so it sends at least one datagram per heartbeat to each.
    t.true(row!.idle.leader.sentPerS >= row!.n - 1, `${row!.idle.leader.sentPerS}/s`);
    t.true(row!.lossRun.lostShare > 0.1 && row!.lossRun.lostShare < 0.3, `lost share ${row!.lossRun.lostShare}`);
    t.regex(await readFile(join(dir, 'failover.svg'), 'utf8'), /<\/svg>\s*$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
