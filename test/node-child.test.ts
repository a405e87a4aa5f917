/** The node process launch starts: its config checked in one line, its events and result on stdout. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { launchRing } from '../src/cluster/launch.js';
import { nodeSettingsFromFlags } from '../src/cli/node-command.js';
import { checkNodeConfig } from '../src/cluster/node-config.js';
import { InvalidConfigError } from '../src/errors.js';
import { DEFAULT_LINK_CONFIG } from '../src/link/config.js';
import type { NodeResult } from '../src/node/result.js';
import { reserveUdpPorts } from '../src/transport/ports.js';

/** The lean node process launch starts (tests run from dist/test/). */
const childPath = fileURLToPath(new URL('../src/cluster/node-process.js', import.meta.url));

interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the child, writes `lines` to its stdin (then closes it unless `onStdout`), and collects its output. */
function runChild(lines: readonly string[], onStdout?: (line: string, write: (l: string) => void) => void): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [childPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of chunk.split('\n').filter(Boolean)) onStdout?.(line, (l) => child.stdin.end(l));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined);
    for (const l of lines) child.stdin.write(l + '\n');
    if (!onStdout) child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const at = (port: number) => ({ host: '127.0.0.1', port });
const goodConfig = (port: number) => ({
  placements: [{ id: 5, listen: at(port), left: at(9), right: at(10) }],
  link: { ...DEFAULT_LINK_CONFIG, lingerMs: 100 },
  timeoutMs: 300,
});

/** A config mistake: exactly one line on stderr naming it, exit 2, no stack trace. */
function refused(t: import('ava').ExecutionContext, r: ChildRun, pattern: RegExp): void {
  t.is(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, 1, `one line: ${r.stderr}`);
  t.regex(lines[0]!, pattern);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  // On stdout, for the launcher, the same failure as data, and nothing else: the node never got ready.
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; message: string; exitCode: number });
  t.deepEqual(events.map((e) => e.event), ['error'], r.stdout);
  t.is(`hs-ring: ${events[0]!.message}`, lines[0]!);
  t.is(events[0]!.exitCode, 2);
}

test('node child: a bad config is refused in one line with exit 2', async (t) => {
  refused(t, await runChild(['{oops']), /^hs-ring: node config: not valid JSON/);
  refused(t, await runChild([]), /stdin ended before the node config/);
  refused(t, await runChild(['[]']), /node config must be a JSON object/);
  const good = goodConfig(1);
  refused(t, await runChild([JSON.stringify({ ...good, placements: [] })]), /"placements" must be a non-empty list/);
  refused(
    t,
    await runChild([JSON.stringify({ ...good, placements: [{ ...good.placements[0], left: at(70000) }] })]),
    /placements\[0\]\.left: port 70000 is not in 1\.\.65535/,
  );
  refused(t, await runChild([JSON.stringify({ ...good, placements: [{ ...good.placements[0], id: -1 }] })]), /placements\[0\]\.id: "-1"/);
  refused(t, await runChild([JSON.stringify({ ...good, link: { ...DEFAULT_LINK_CONFIG, ackDelayMs: undefined } })]), /link: "ackDelayMs" must be a number/);
  refused(t, await runChild([JSON.stringify({ ...good, timeoutMs: 0 })]), /"timeoutMs" must be a positive number/);
  refused(t, await runChild([JSON.stringify({ ...good, faults: { loss: "0.1", duplicate: 0, delayMs: [0, 0], reorder: false, seed: 1 } })]), /faults: "loss" must be a number, got "0.1"/);
  refused(
    t,
    await runChild([JSON.stringify({ ...good, faults: { loss: 1, duplicate: 0, delayMs: [0, 0], reorder: false, seed: 1 } })]),
    /faults: --loss must be a probability/,
  );
  refused(t, await runChild([JSON.stringify({ ...good, keyFile: '/nonexistent/ring.key' })]), /key file \/nonexistent\/ring\.key: cannot read/);
});

test('node child: where a node sits is checked as for hs-ring node and ring files', async (t) => {
  const good = goodConfig(1);
  const placed = (p: object) => JSON.stringify({ ...good, placements: [{ ...good.placements[0], ...p }] });
  refused(
    t,
    await runChild([placed({ left: { host: '0.0.0.0', port: 9 } })]),
    /^hs-ring: node config: placements\[0\]\.left: "0\.0\.0\.0" is a wildcard address; give the address the node is reached at$/,
  );
  refused(t, await runChild([placed({ right: { host: '::', port: 9 } })]), /placements\[0\]\.right: "::" is a wildcard address/);
  refused(
    t,
    await runChild([placed({ right: { host: '::1', port: 10 } })]),
    /placements\[0\]\.right: \[::1\]:10 is IPv6 but the node listens on IPv4 \(127\.0\.0\.1:1\)/,
  );
  refused(
    t,
    await runChild([placed({ left: at(1) })]),
    /placements\[0\]\.left: 127\.0\.0\.1:1 is the node's own listen address; only a ring of one \(both sides\) may be$/,
  );
});

/** Node 5 listening on `a` and node 7 on `b`, in one process. */
const twoNodes = (a: { host: string; port: number }, b: { host: string; port: number }) => ({
  ...goodConfig(1),
  placements: [
    { id: 5, listen: a, left: { ...a, port: 9 }, right: { ...a, port: 10 } },
    { id: 7, listen: b, left: { ...b, port: 11 }, right: { ...b, port: 12 } },
  ],
});

test('node config: two nodes of one process listening on one address are refused up front, naming both ids and the address', (t) => {
  t.throws(() => checkNodeConfig(twoNodes(at(7000), at(7000))), {
    instanceOf: InvalidConfigError,
    message: 'node config: placements: ids 5 and 7 share the listen address 127.0.0.1:7000',
  });
  // The IPv4-mapped IPv6 spelling names the same endpoint.
  t.throws(() => checkNodeConfig(twoNodes(at(7000), { host: '::ffff:127.0.0.1', port: 7000 })), {
    message: /ids 5 and 7 share the listen address 127\.0\.0\.1:7000$/,
  });
  t.notThrows(() => checkNodeConfig(twoNodes(at(7000), at(7001))));
});

test('node child: two of its nodes on one address is a config error in one line, not "port already in use" from the second bind', async (t) => {
  // A free port: without the check the first node would bind it, and the second fail on it.
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const r = await runChild([JSON.stringify(twoNodes(at(port!), at(port!)))]);
  refused(t, r, new RegExp(`^hs-ring: node config: placements: ids 5 and 7 share the listen address 127\\.0\\.0\\.1:${port}$`));
  t.is(JSON.parse(r.stdout).code, 'InvalidConfig', 'not the PortInUse cause, on which launch would retry');
});

test('node child: a port in use is reported with the machine-readable cause PortInUse, and the usual line', async (t) => {
  const busy = createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  const port = busy.address().port;
  try {
    const r = await runChild([JSON.stringify(goodConfig(port))]);
    refused(t, r, new RegExp(`^hs-ring: cannot listen on 127\\.0\\.0\\.1:${port}: port already in use$`));
    t.like(JSON.parse(r.stdout), { event: 'error', code: 'PortInUse' });
    // Any other failure carries its own code.
    const other = await runChild([JSON.stringify({ ...goodConfig(port), timeoutMs: 0 })]);
    t.is(JSON.parse(other.stdout).code, 'InvalidConfig');
  } finally {
    busy.close();
  }
});

test('node child: speaks the launcher protocol: ready, then "start", then a result (stalled: no neighbours)', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const events: { event: string }[] = [];
  const r = await runChild([JSON.stringify(goodConfig(port!))], (line, write) => {
    const e = JSON.parse(line) as { event: string };
    events.push(e);
    if (e.event === 'ready') write('start\n');
  });
  t.is(r.code, 3, r.stderr);
  t.is(r.stderr, '');
  t.deepEqual(events[0], { event: 'ready', id: 5, listen: `127.0.0.1:${port}` });
  const result = events.at(-1) as { event: string } & NodeResult;
  t.is(result.event, 'result');
  t.is(result.id, 5);
  t.is(result.outcome, 'stalled');
});

test('nodeSettingsFromFlags: flags for launchRing are parsed as hs-ring node parses them', (t) => {
  t.throws(() => nodeSettingsFromFlags(['--bogus']), { message: /Unknown argument: bogus/ });
  t.throws(() => nodeSettingsFromFlags(['--loss', '1']), { message: /--loss must be a probability/ });
  t.is(nodeSettingsFromFlags(['--ack-delay', '5']).link.ackDelayMs, 5);
});

test('launchRing: a ring of one-node processes elects with settings given as flags, and tells when each process is ready and decided', async (t) => {
  const ids = [4, 8, 2];
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ready: number[] = [];
  const decided: number[] = [];
  const run = await launchRing({
    members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]! })),
    node: nodeSettingsFromFlags(['--timeout', '20000', '--ack-delay', '5']),
    readyTimeoutMs: 60_000,
    onProcessReady: (index, pid) => void (pid && ready.push(index)),
    onProcessDecided: (index, pid) => void (pid && decided.push(index)),
  });
  t.deepEqual(run.failures, []);
  t.deepEqual(run.lateErrors, []);
  t.deepEqual(run.results.map((r) => r.leader), [8, 8, 8]);
  t.deepEqual(ready.sort(), [0, 1, 2]);
  t.deepEqual(decided.sort(), [0, 1, 2]);
  for (const p of run.processes) {
    t.is(p.nodes, 1);
    t.true(p.startupMs! > 0);
  }
});

(existsSync('/dev/full') ? test : test.skip)(
  'launchRing: a node whose trace cannot be written still gives its result, and its process error is reported after it',
  async (t) => {
    const ids = [4, 8, 2];
    const ports = await reserveUdpPorts('127.0.0.1', ids.length);
    const run = await launchRing({
      members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]! })),
      node: nodeSettingsFromFlags(['--timeout', '20000']),
      readyTimeoutMs: 60_000,
      // Every write to /dev/full fails with ENOSPC, after the file opened fine.
      traceFile: () => '/dev/full',
    });
    t.deepEqual(run.failures, []);
    t.deepEqual(run.results.map((r) => r.leader), [8, 8, 8], 'the election stands');
    t.deepEqual(
      run.lateErrors.map((e) => e.id).sort(),
      [2, 4, 8],
    );
    for (const e of run.lateErrors) t.is(e.message, '--trace: cannot write /dev/full (ENOSPC)');
  },
);
