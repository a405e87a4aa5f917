/** hs-ring sim: its report, --json, --trace and replay of a failing property's case. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { simCaseArbitrary } from '../properties/cases.js';
import { simCommandFor } from '../../src/sim/sim-case.js';
import { runCli } from '../helpers/cli.js';

test('hs-ring sim prints the launch summary plus the in-flight check, and exits 0', async (t) => {
  const r = await runCli(['sim', '-n', '50', '--seed', '3', '--loss', '0.1', '--dup', '0.05', '--reorder', '--delay', '0-20']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /leader \d+ \(the maximum id\), agreed by all 50 nodes/);
  t.regex(r.stdout, /bound 8n\(1\+ceil\(log2 n\)\)\+n = \d+: within/);
  t.regex(r.stdout, /in flight at the end: nothing/);
});

test('hs-ring sim --json is deterministic for a seed, and --algorithm lcr reports its own bound', async (t) => {
  const args = ['sim', '-n', '40', '--seed', '11', '--algorithm', 'lcr', '--order', 'descending', '--json'];
  const [a, b] = await Promise.all([runCli(args), runCli(args)]);
  t.is(a.code, 0, a.stderr);
  const ja = JSON.parse(a.stdout);
  const jb = JSON.parse(b.stdout);
  delete ja.simulation.wallMs;
  delete jb.simulation.wallMs;
  t.deepEqual(ja, jb);
  t.is(ja.algorithmBound.bound, (40 * 41) / 2 + 40);
  t.is(ja.messages.total, ja.algorithmBound.bound);
  t.true(ja.inFlight.clean);
});

test('hs-ring sim --trace writes the ring header, then one event per core step', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'hs-sim-')), 'trace.jsonl');
  const r = await runCli(['sim', '--ids', '3,1,2', '--seed', '1', '--trace', file]);
  t.is(r.code, 0, r.stderr);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.deepEqual(lines[0], { ring: [3, 1, 2] });
  t.is(lines.filter((e) => e.action === 'Start').length, 3);
  t.is(lines.filter((e) => e.action === 'BecomeLeader')[0].node, 3);
});

test('hs-ring sim --replay SEED:PATH runs the case a property printed', async (t) => {
  const details = fc.check(fc.property(simCaseArbitrary, (c) => c.ids.length < 4), { seed: 5 });
  t.true(details.failed);
  const r = await runCli(['sim', '--replay', `${details.seed}:${details.counterexamplePath}`, '--json']);
  t.is(r.code, 0, r.stderr);
  t.true(r.stderr.includes(simCommandFor(details.counterexample![0])));
  t.is(JSON.parse(r.stdout).n, 4);
});

test('hs-ring sim rejects a certain loss and a bad delay range with exit code 2', async (t) => {
  t.is((await runCli(['sim', '--loss', '1'])).code, 2);
  t.is((await runCli(['sim', '--delay', '9-3'])).code, 2);
});

test('hs-ring sim --link ideal elects over exactly-once channels and says that datagrams are the messages', async (t) => {
  const r = await runCli(['sim', '-n', '2000', '--seed', '5', '--link', 'ideal']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /ideal exactly-once channels/);
  t.regex(r.stdout, /leader \d+ \(the maximum id\), agreed by all 2000 nodes/);
  const m = /algorithm messages: (\d+) .*: within/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.regex(r.stdout, new RegExp(`datagrams: ${m![1]} sent \\(1 per algorithm message\\), 0 retransmissions, 0 pure acks`));
  t.regex(r.stdout, /each datagram above is one algorithm message/);
  t.regex(r.stdout, /in flight at the end: nothing/);
  const json = JSON.parse((await runCli(['sim', '-n', '64', '--seed', '5', '--link', 'ideal', '--json'])).stdout);
  t.is(json.link, 'ideal');
  t.is(json.datagrams.sent, json.messages.total);
  t.true(json.inFlight.clean);
});

test('hs-ring sim --link ideal refuses loss, duplication and link tuning in one line, exit code 2', async (t) => {
  for (const args of [['--loss', '0.1'], ['--dup', '0.2'], ['--rto', '50']]) {
    const r = await runCli(['sim', '-n', '8', '--link', 'ideal', ...args]);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.regex(r.stderr, /^hs-ring: --link ideal/);
    t.notRegex(r.stderr, /\bat \w+ \(/, 'no stack trace');
  }
});
