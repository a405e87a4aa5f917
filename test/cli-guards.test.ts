/**
 * Mistakes a user makes that used to fail late, badly or not at all: output paths that cannot be
 * written, durations a timer cannot hold, addresses no datagram can come from, rings too big for
 * memory. Each must now be one line and exit 2 before any work is done.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { mergeTraces, traceFileFor } from '../src/cli/trace-files.js';
import { linkConfigFromFlags } from '../src/cli/link-options.js';
import { checkSimSize, heapForSimNodes, maxSimNodes } from '../src/cli/sim-command.js';
import { InvalidConfigError, OutputUnwritableError, PortInUseError } from '../src/errors.js';
import { reserveUdpPorts } from '../src/transport/ports.js';
import { cliPath, rejects, runCli } from './helpers/cli.js';

// Starting a Node with a 6 GiB heap limit reserves address space only; skip where memory is scarce.
const withMoreHeap = totalmem() >= 8 * 2 ** 30 ? test : test.skip;

const scratch = () => mkdtempSync(join(tmpdir(), 'hs-ring-guards-'));

test('cli: an output path that cannot be written is refused before the run, in one line', async (t) => {
  const dir = scratch();
  const missing = join(dir, 'no-such-folder', 'out');
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');
  await rejects(t, ['launch', '-n', '3', '--trace', `${missing}.jsonl`], /--trace .*: folder .* does not exist/);
  await rejects(t, ['launch', '-n', '3', '--trace', dir], /--trace .*: is a folder, name a file/);
  await rejects(t, ['launch', '-n', '3', '--trace', join(dir, 't-{id}.jsonl')], /leave \{id\} out of the name/);
  await rejects(t, ['bench', '--quick', '--only', 'messages', '--out', join(aFile, 'sub')], /--out .*: .*a-file is not a folder/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3', '--trace', `${missing}.jsonl`], /--trace .*: folder .* does not exist/);
  const trace = join(dir, 'ok.jsonl');
  t.is((await runCli(['sim', '-n', '3', '--seed', '1', '--trace', trace])).code, 0);
  await rejects(t, ['trace', 'view', trace, '-o', `${missing}.svg`], /-o .*: folder .* does not exist/);
  // Nothing was started: no ring header, no half-written files.
  const r = await runCli(['launch', '-n', '3', '--trace', `${missing}.jsonl`]);
  t.is(r.stdout, '');
});

test('launch --trace: when the merged trace cannot be written, the per-node traces are kept and the error is one line', async (t) => {
  const dir = scratch();
  const target = join(dir, 'merged.jsonl');
  const event = { t: 0, node: 1, from: null, received: null, sent: [], before: {}, after: {} };
  for (const id of [1, 2]) writeFileSync(traceFileFor(target, id), JSON.stringify({ ...event, node: id }) + '\n');
  // A folder where the file should go: the write fails after the run, as a full disk would.
  const { mkdirSync } = await import('node:fs');
  mkdirSync(target);
  const err = await t.throwsAsync(mergeTraces(target, [1, 2]));
  t.true(err instanceof OutputUnwritableError, String(err));
  t.regex(err!.message, /--trace: cannot write .*merged\.jsonl/);
  t.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')).sort(), ['merged.jsonl.node-1.part', 'merged.jsonl.node-2.part']);
  // And when it can be written, the parts are merged and removed.
  const ok = join(dir, 'ok.jsonl');
  for (const id of [1, 2]) writeFileSync(traceFileFor(ok, id), JSON.stringify({ ...event, node: id }) + '\n');
  await mergeTraces(ok, [1, 2]);
  t.is(readFileSync(ok, 'utf8').trim().split('\n').length, 3);
  t.false(existsSync(traceFileFor(ok, 1)));
});

test('cli: durations a timer cannot hold are refused, naming the flag (Node fires longer ones after 1 ms)', async (t) => {
  await rejects(t, ['launch', '-n', '3', '--timeout', '3000000000'], /--timeout 3000000000 is too long: at most 2147483647 ms/);
  await rejects(t, ['launch', '-n', '3', '--timeout', 'Infinity'], /--timeout must be a positive number of ms/);
  await rejects(t, ['launch', '--ids', '1,2,3', '--kill', '3@3000000000'], /--kill time 3000000000 is too long/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3', '--linger', '3000000000'], /--linger 3000000000 is too long/);
  await rejects(t, ['launch', '-n', '3', '--rto', '-1'], /--rto must be a positive number of ms, got -1/);
  await rejects(t, ['launch', '-n', '3', '--ack-delay', 'abc'], /--ack-delay must be a non-negative number of ms/);
});

test('link flags: a long --ack-delay lifts the retransmission ceiling with the floor instead of being refused', (t) => {
  const c = linkConfigFromFlags({ rto: 100, 'ack-delay': 500, linger: 500 });
  t.is(c.minRtoMs, 1001);
  t.is(c.maxRtoMs, 1001);
  const d = linkConfigFromFlags({ rto: 100, 'ack-delay': 9, linger: 500 });
  t.deepEqual([d.minRtoMs, d.maxRtoMs], [20, 1000]);
});

test('cli: wildcard neighbour addresses and mixed address families are refused (no datagram could ever be matched)', async (t) => {
  await rejects(t, ['launch', '-n', '3', '--host', '0.0.0.0'], /--host: "0\.0\.0\.0" is a wildcard address/);
  await rejects(t, ['launch', '-n', '3', '--host', '::'], /--host: "::" is a wildcard address/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '0.0.0.0:7000', '--right', '127.0.0.1:7002'], /--left: "0\.0\.0\.0" is a wildcard/);
  await rejects(t, ['node', '--id', '1', '--listen', '[::1]:7001', '--left', '127.0.0.1:7000', '--right', '[::1]:7002'], /--left: 127\.0\.0\.1:7000 is IPv4 but the node listens on IPv6/);
  const dir = scratch();
  const ring = (name: string, members: object[]) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify({ members }));
    return p;
  };
  const mixed = ring('mixed.json', [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: '::1', port: 7001 }]);
  await rejects(t, ['node', '--ring', mixed, '--self', '1'], /member 1's left neighbour 2: \[::1\]:7001 is IPv6 but the node listens on IPv4/);
  const mapped = ring('mapped.json', [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: '::ffff:127.0.0.1', port: 7000 }]);
  await rejects(t, ['node', '--ring', mapped, '--self', '1'], /ids 1 and 2 share the address 127\.0\.0\.1:7000/);
  // IPv4 and its ::ffff: spelling are different families to a socket: such a ring always stalled.
  const mixedMapped = ring('mixed-mapped.json', [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: '::ffff:127.0.0.1', port: 7001 }]);
  await rejects(t, ['node', '--ring', mixedMapped, '--self', '1'], /member 1's left neighbour 2: .* is IPv6 but the node listens on IPv4/);
  // An IPv6 socket does reach IPv4 neighbours by their ::ffff: spelling: accepted (it then runs,
  // and with nobody there, stalls: exit 3, not a configuration error).
  const viaMapped = await runCli(['node', '--id', '1', '--listen', '[::]:7123', '--left', '[::ffff:127.0.0.1]:7124', '--right', '[::ffff:127.0.0.1]:7125', '--timeout', '300', '--linger', '100']);
  t.is(viaMapped.code, 3, viaMapped.stderr);
  const wild = ring('wild.json', [{ id: 1, host: '0.0.0.0', port: 7000 }, { id: 2, host: '127.0.0.1', port: 7001 }]);
  await rejects(t, ['node', '--ring', wild, '--self', '2'], /member 1: "0\.0\.0\.0" is a wildcard address/);
});

test('cli: sim refuses rings too big for the heap, and a --time-limit that is not a positive number', async (t) => {
  // This machine's default heap: the caps as measured (other machines' defaults scale them).
  const defaultHeap = getHeapStatistics().heap_size_limit;
  const full = maxSimNodes('full', defaultHeap).toLocaleString('en');
  const ideal = maxSimNodes('ideal', defaultHeap).toLocaleString('en');
  await rejects(t, ['sim', '-n', '17000000', '--link', 'ideal'], new RegExp(`^hs-ring: -n 17000000 is more than sim runs with --link ideal in this heap \\(at most ${ideal}: about 1 KB per node`));
  await rejects(
    t,
    ['sim', '-n', '300000'],
    new RegExp(`-n 300000 is more than sim runs with --link full in this heap \\(at most ${full}: about 13 KB per node, heap limit [\\d.]+ GiB\\); for a bigger heap run NODE_OPTIONS=--max-old-space-size=\\d+ hs-ring sim \\.\\.\\.$`),
  );
  await rejects(t, ['sim', '-n', '8', '--time-limit', '-5'], /--time-limit must be a positive number of ms, got -5/);
  await rejects(t, ['sim', '-n', '8', '--time-limit', 'abc'], /--time-limit must be a positive number/);
});

test('sim: the ring size cap scales with the heap, from the caps measured on a 4,345,298,944-byte heap', (t) => {
  const measured = 4_345_298_944;
  t.is(maxSimNodes('full', measured), 200_000);
  t.is(maxSimNodes('ideal', measured), 2_000_000);
  t.is(maxSimNodes('full', 2 * measured), 400_000);
  t.is(maxSimNodes('ideal', measured / 2), 1_000_000);
  t.is(maxSimNodes('full', 1.5 * measured), 300_000);
  // Rounded down to a thousand, and never below one.
  t.is(maxSimNodes('full', measured / 3), 66_000);
  t.is(maxSimNodes('full', 1), 1000);
  // The heap the message suggests does fit the ring (the old space it sets is within heap_size_limit).
  for (const [link, n] of [['full', 300_000], ['full', 1_234_567], ['ideal', 17_000_000]] as const) {
    t.true(maxSimNodes(link, heapForSimNodes(link, n) * 2 ** 20) >= n, `${link} ${n}`);
  }
  t.throws(() => checkSimSize(300_000, 'full', '-n', measured), { message: /at most 200,000: .*heap limit 4\.0 GiB\); for a bigger heap run NODE_OPTIONS=--max-old-space-size=7168 / });
  t.notThrows(() => checkSimSize(300_000, 'full', '-n', 2 * measured));
});

/** Runs `hs-ring ...args` in a Node whose old space is `heapMiB` (sim's ring size cap scales with it). */
const inHeap = (heapMiB: number, args: readonly string[]) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, [`--max-old-space-size=${heapMiB}`, cliPath, ...args], (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });

withMoreHeap('cli: sim reads the heap limit of its own process: --max-old-space-size lowers or raises the cap', async (t) => {
  // A bad --time-limit is refused just after the ring size was checked: a run that gets that far
  // was not refused for its size, and simulates nothing.
  const sim = (heapMiB: number, n: number) => inHeap(heapMiB, ['sim', '-n', String(n), '--link', 'ideal', '--time-limit', '-1']);
  const small = await sim(256, 500_000);
  t.is(small.code, 2, small.stderr);
  t.regex(small.stderr, /^hs-ring: -n 500000 is more than sim runs with --link ideal in this heap \(at most \d{3},000: /);
  // 2,500,000 is past the cap of a 4 GiB heap, within that of a 6 GiB one.
  const big = await sim(6144, 2_500_000);
  t.is(big.code, 2, big.stderr);
  t.regex(big.stderr, /^hs-ring: --time-limit must be a positive number of ms/);
});

test('cli: a ring too big for launch or sim names --ids when the ids came from --ids, not an -n the user never gave', async (t) => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');
  await rejects(t, ['launch', '--ids', ids(4097)], /^hs-ring: --ids lists 4097 ids, more nodes than launch allows \(4096\); use hs-ring sim for large rings$/);
  await rejects(t, ['launch', '--ids', ids(513)], /^hs-ring: --ids lists 513 ids, more processes than launch allows \(512\); add --processes K to host several nodes per process$/);
  // Given as -n, the message names -n, as before.
  await rejects(t, ['launch', '-n', '4097'], /^hs-ring: -n 4097 is more nodes than launch allows \(4096\); use hs-ring sim for large rings$/);
  await rejects(t, ['launch', '-n', '513'], /^hs-ring: -n 513 is more processes than launch allows \(512\)/);
  // sim's cap follows the heap: in a 16 MiB old space it is a few thousand nodes, so 10,000 ids
  // (50 KB) are too many yet fit on a command line.
  const r = await inHeap(16, ['sim', '--ids', ids(10_000)]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /^hs-ring: --ids lists 10000 ids, more than sim runs with --link full in this heap \(at most [\d,]+: about 13 KB per node, heap limit [\d.]+ GiB\); for a bigger heap run NODE_OPTIONS=--max-old-space-size=\d+ hs-ring sim \.\.\.\n$/);
  t.throws(() => checkSimSize(300_000, 'full', '--ids', 4_345_298_944), { instanceOf: InvalidConfigError, message: /^--ids lists 300000 ids, more than sim runs with --link full in this heap \(at most 200,000: / });
});

test('cli: sim --delay has the limit launch has (60 s), with the same message', async (t) => {
  await rejects(t, ['sim', '-n', '8', '--delay', '0-100000000'], /^hs-ring: --delay must be MIN-MAX ms with 0 <= MIN <= MAX <= 60000, got 0-100000000$/);
  await rejects(t, ['launch', '-n', '3', '--delay', '0-100000000'], /^hs-ring: --delay must be MIN-MAX ms with 0 <= MIN <= MAX <= 60000, got 0-100000000$/);
  await rejects(t, ['sim', '-n', '8', '--delay', '60001'], /<= 60000, got 60001-60001/);
  await rejects(t, ['sim', '-n', '8', '--delay', 'soon'], /^hs-ring: --delay must be MS or MIN-MAX ms with MIN <= MAX \(e\.g\. 0-20\), got "soon"$/);
  const atLimit = await runCli(['sim', '--ids', '2,1', '--seed', '1', '--delay', '60000', '--json']);
  t.is(atLimit.code, 0, atLimit.stderr);
});

test('bench: writeBenchOutput writes into the folder bench --out made, and makes none itself', async (t) => {
  const { writeBenchOutput } = await import('../src/bench/run.js');
  const dir = scratch();
  const results = { quick: true, errors: {} } as unknown as import('../src/bench/run.js').BenchResults;
  t.deepEqual(await writeBenchOutput(dir, results), [join(dir, 'results.json')]);
  const err = await t.throwsAsync(writeBenchOutput(join(dir, 'not-made'), results));
  t.is((err as NodeJS.ErrnoException).code, 'ENOENT');
  t.false(existsSync(join(dir, 'not-made')));
});

const withDevFull = existsSync('/dev/full') ? test : test.skip;

withDevFull('node --trace: a trace write that fails during the run is one line, worded as every unwritable output, and exit 2', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const self = `127.0.0.1:${port}`;
  // A ring of one elects at once; every write to /dev/full fails with ENOSPC.
  const r = await runCli(['node', '--id', '1', '--listen', self, '--left', self, '--right', self, '--trace', '/dev/full', '--timeout', '5000']);
  t.regex(r.stdout, /I am the leader \(1\)/);
  t.is(r.stderr, 'hs-ring: --trace: cannot write /dev/full (ENOSPC)\n');
  t.is(r.code, 2);
});

test('cli: launch --json reports the faults with their seed, and --fault-seed sets that seed', async (t) => {
  const first = await runCli(['launch', '--ids', '5,1,4,2,3', '--loss', '0.2', '--json']);
  t.is(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout);
  t.is(a.faults.loss, 0.2);
  t.true(Number.isInteger(a.faults.seed));
  const again = await runCli(['launch', '--ids', '5,1,4,2,3', '--loss', '0.2', '--fault-seed', String(a.faults.seed), '--json']);
  t.is(again.code, 0, again.stderr);
  t.deepEqual(JSON.parse(again.stdout).faults, a.faults);
  const clean = JSON.parse((await runCli(['launch', '--ids', '5,1,4', '--json'])).stdout);
  t.false('faults' in clean);
});

/** Pids of the live children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command name: state, ppid, ...
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

// Counting the launcher's children needs /proc (Linux, as CI).
const withProc = existsSync('/proc/self/stat') ? test : test.skip;

withProc('cli: launch killed with SIGTERM stops every node process first, keeps the trace so far, and exits 143', async (t) => {
  const trace = join(scratch(), 'interrupted.jsonl');
  // Node 3 dies at once, so the others wait for their 20 s timeout: the launcher is busy waiting.
  const launcher = spawn(process.execPath, [cliPath, 'launch', '--ids', '1,2,3,4', '--kill', '3@0', '--timeout', '20000', '--trace', trace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  launcher.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => launcher.on('close', (c) => resolve(c)));
  const killedNode = new Promise<void>((resolve) =>
    launcher.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('killed (SIGKILL)')) resolve();
    }),
  );
  // A launch that fails early must fail the test, not hang it until ava's timeout.
  let underWay = false;
  await Promise.race([
    killedNode.then(() => (underWay = true)),
    closed.then((code) => {
      if (!underWay) t.fail(`launch ended early (exit ${code}): ${stderr}`);
    }),
  ]);
  const nodes = childrenOf(launcher.pid!);
  // The three survivors, and perhaps the killed one, not yet reaped.
  t.true(nodes.length >= 3, `node processes running: ${nodes.length}`);
  launcher.kill('SIGTERM');
  t.is(await closed, 143);
  t.regex(stderr, /interrupted by SIGTERM: every node process was stopped/);
  t.deepEqual(nodes.filter((p) => existsSync(`/proc/${p}`)), [], 'no node process left behind');
  t.regex(readFileSync(trace, 'utf8').split('\n')[0]!, /^\{"ring":\[1,2,3,4\]\}$/, 'the merged trace so far');
  t.deepEqual(readdirSync(dirname(trace)).filter((f) => f.endsWith('.part')), []);
});

test('cli: a flag given without its value is refused, not silently replaced by its default', async (t) => {
  await rejects(t, ['launch', '-n', '--seed', '3'], /^hs-ring: -n needs a value/);
  await rejects(t, ['sim', '--seed'], /^hs-ring: --seed needs a value/);
  await rejects(t, ['launch', '-n', '3', '--trace'], /^hs-ring: --trace needs a value/);
  await rejects(t, ['node', '--id', '1', '--listen'], /^hs-ring: --listen needs a value/);
});

test('cli: --self without --ring, and a node that is its own neighbour on one side only, are refused', async (t) => {
  await rejects(t, ['node', '--self', '3', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:7000', '--right', '127.0.0.1:7002'], /--self needs --ring FILE/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:7001', '--right', '127.0.0.1:7002'], /^hs-ring: --left: 127\.0\.0\.1:7001 is the node's own listen address; only a ring of one \(both sides\) may be$/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:7000', '--right', '127.0.0.1:7001'], /^hs-ring: --right: 127\.0\.0\.1:7001 is the node's own listen address/);
});

test('launch: a port the OS offered but someone took before the node bound it is chosen again, a few times at most', async (t) => {
  const { launchOnFreePorts } = await import('../src/cluster/free-ports.js');
  const portInUse = (port: number) => new PortInUseError(`node 7 failed to start: cannot listen on 127.0.0.1:${port}: port already in use`);
  const seen: (readonly number[])[] = [];
  const takenOnce = async (ports: readonly number[]) => {
    seen.push(ports);
    if (seen.length === 1) throw portInUse(ports[0]!);
    return 'elected';
  };
  t.is(await launchOnFreePorts('127.0.0.1', 3, takenOnce), 'elected');
  t.is(seen.length, 2);
  t.true(seen.every((p) => p.length === 3));
  let tries = 0;
  const alwaysTaken = async () => {
    tries += 1;
    throw portInUse(1);
  };
  await t.throwsAsync(launchOnFreePorts('127.0.0.1', 3, alwaysTaken), { message: /port already in use/ });
  t.is(tries, 3);
  // Any other failure is not retried.
  tries = 0;
  const broken = async () => {
    tries += 1;
    throw new InvalidConfigError('node 7 failed to start: bad key');
  };
  await t.throwsAsync(launchOnFreePorts('127.0.0.1', 3, broken), { message: /bad key/ });
  t.is(tries, 1);
  // The decision is on the cause the node reported, not on the wording: a message that merely
  // says so (a trace file named "port already in use", say) is not a busy port.
  tries = 0;
  const wordedOnly = async () => {
    tries += 1;
    throw new OutputUnwritableError('node 7 failed to start: --trace: cannot write port already in use.jsonl (EACCES)');
  };
  await t.throwsAsync(launchOnFreePorts('127.0.0.1', 3, wordedOnly), { message: /EACCES/ });
  t.is(tries, 1);
});

test('launch: a node whose port is taken fails with the cause PortInUse, carried from the node process', async (t) => {
  const { launchRing } = await import('../src/cluster/launch.js');
  const { defaultNodeSettings } = await import('../src/cluster/node-config.js');
  const busy = createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  const [free] = await reserveUdpPorts('127.0.0.1', 1);
  try {
    const err = await t.throwsAsync(
      launchRing({
        members: [
          { id: 1, host: '127.0.0.1', port: free! },
          { id: 2, host: '127.0.0.1', port: busy.address().port },
        ],
        node: defaultNodeSettings(2000),
        readyTimeoutMs: 20_000,
      }),
    );
    t.true(err instanceof PortInUseError, String(err));
    t.is((err as PortInUseError).code, 'PortInUse');
    t.is(err!.message, `node 2 failed to start: cannot listen on 127.0.0.1:${busy.address().port}: port already in use`);
    // hs-ring node --ndjson speaks the same protocol: the cause as an event, the line on stderr.
    const self = `127.0.0.1:${busy.address().port}`;
    const r = await runCli(['node', '--ndjson', '--id', '1', '--listen', self, '--left', '127.0.0.1:2', '--right', '127.0.0.1:3']);
    t.is(r.code, 2);
    t.deepEqual(JSON.parse(r.stdout), { event: 'error', message: `cannot listen on ${self}: port already in use`, exitCode: 2, code: 'PortInUse' });
    t.is(r.stderr, `hs-ring: cannot listen on ${self}: port already in use\n`);
  } finally {
    busy.close();
  }
});

test('cli: sim --trace to a folder that does not exist is refused before anything is printed', async (t) => {
  await rejects(t, ['sim', '-n', '3', '--trace', join(scratch(), 'none', 't.jsonl')], /--trace .*: folder .* does not exist/);
  const r = await runCli(['sim', '-n', '3', '--trace', join(scratch(), 'none', 't.jsonl')]);
  t.is(r.stdout, '');
});
