/**
 * What the CLI reports when a run is unusual: a node killed after the decision, a timeout no
 * longer than the linger, an output that cannot be written, switches given odd values, a ring of
 * one, LCR's bound, virtual time, ring files of the wrong shape. Each says what happened, in the
 * verdict or in one line with exit 2.
 */
import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejects, runCli } from './helpers/cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'hs-ring-reports-'));

test('launch --kill after the decision: the election finished, then the node was killed; not a stall', async (t) => {
  // Ids of seed 1: 588, 74, 590, 475, 348; the leader 590 is killed two seconds after the start,
  // long after the election (tens of ms), while it lingers.
  const r = await runCli(['launch', '-n', '5', '--seed', '1', '--kill', '590@2000', '--linger', '6000', '--timeout', '20000']);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /^leader 590 \(the maximum id\), agreed by all 5 nodes\nthe election finished, then node 590 was killed \(it had decided; it sent no result\)$/m);
  t.notRegex(r.stdout, /STALLED/);
  const json = await runCli(['launch', '-n', '5', '--seed', '1', '--kill', '590@2000', '--linger', '6000', '--timeout', '20000', '--json']);
  t.is(json.code, 0, json.stderr);
  t.like(JSON.parse(json.stdout), { outcome: 'elected', leader: 590, killed: 590, killedAfterDecision: 590, failures: [] });
});

test('launch --kill before the decision is still a stall, never an election', async (t) => {
  const r = await runCli(['launch', '-n', '5', '--seed', '1', '--kill', '590@0', '--timeout', '2000', '--linger', '100']);
  t.is(r.code, 3, r.stdout + r.stderr);
  t.regex(r.stdout, /STALLED/);
  t.regex(r.stdout, /node 590 was killed by --kill \(no result\)/);
});

test('--timeout at or below --linger is refused in one line (every run would end as a stall)', async (t) => {
  await rejects(t, ['launch', '-n', '5', '--seed', '1', '--timeout', '300'], /^hs-ring: --timeout 300 ms is not above the linger of 500 ms: .*raise --timeout or lower --linger$/);
  await rejects(t, ['launch', '-n', '5', '--timeout', '500', '--linger', '500'], /--timeout 500 ms is not above the linger of 500 ms/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7001', '--left', '127.0.0.1:7000', '--right', '127.0.0.1:7002', '--timeout', '100'], /--timeout 100 ms is not above the linger/);
  // Lowering the linger makes the same timeout usable.
  const r = await runCli(['launch', '-n', '3', '--seed', '1', '--timeout', '5000', '--linger', '50']);
  t.is(r.code, 0, r.stdout + r.stderr);
});

(existsSync('/dev/full') ? test : test.skip)('sim --trace to a full disk: the result first, then one line and exit 2, as launch and node do', async (t) => {
  const r = await runCli(['sim', '-n', '8', '--seed', '1', '--trace', '/dev/full']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stdout, /^leader \d+ \(the maximum id\), agreed by all 8 nodes$/m);
  t.notRegex(r.stdout, /trace written/);
  t.is(r.stderr, 'hs-ring: --trace: cannot write /dev/full (ENOSPC)\n');
});

test('bench --out: one rule for every output path: the folder above must exist, and nothing hangs', async (t) => {
  const dir = scratch();
  const deep = join(dir, 'no', 'such', 'deep', 'dir');
  await rejects(t, ['bench', '--quick', '--only', 'messages', '--out', deep], /^hs-ring: --out .*deep[/]dir: folder .*deep does not exist$/);
  t.false(existsSync(join(dir, 'no')), 'no folder was created');
  // Node's recursive mkdir never returned on /proc/x; a plain one fails at once.
  await rejects(t, ['bench', '--quick', '--only', 'messages', '--out', '/proc/x'], /^hs-ring: --out \/proc\/x: cannot create the folder/);
  // The folder itself (one level) is created, as before.
  const r = await runCli(['bench', '--quick', '--only', 'messages', '--json', '--out', join(dir, 'results')], 60_000);
  t.is(r.code, 0, r.stderr);
  t.true(existsSync(join(dir, 'results', 'results.json')));
});

test('switches given a value other than true or false are refused, not read as false', async (t) => {
  await rejects(t, ['sim', '-n', '3', '--reorder=maybe'], /^hs-ring: --reorder is a switch: give it alone, or =true \/ =false, not "maybe"$/);
  await rejects(t, ['sim', '-n', '3', '--json=maybe'], /--json is a switch/);
  await rejects(t, ['launch', '-n', '3', '--json=yes'], /--json is a switch/);
  const r = await runCli(['sim', '-n', '3', '--seed', '1', '--json=true', '--reorder=false']);
  t.is(r.code, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { network: { reorder: false } });
});

test('sim: a ring of one is "agreed by the only node", and the times say they are virtual', async (t) => {
  const one = await runCli(['sim', '-n', '1', '--seed', '1']);
  t.is(one.code, 0, one.stderr);
  t.regex(one.stdout, /agreed by the only node$/m);
  t.notRegex(one.stdout, /all 1 nodes/);
  t.regex(one.stdout, /^time \(virtual, simulated\): [\d.]+ virtual ms to the last decision, [\d.]+ virtual ms in all$/m);
});

test('sim --algorithm lcr: held to LCR\'s bound; HS\'s is shown for comparison, never as EXCEEDED', async (t) => {
  // Descending order is LCR's worst case: n(n+1)/2+n messages, far past HS's bound at n = 256.
  const r = await runCli(['sim', '--algorithm', 'lcr', '-n', '256', '--seed', '2', '--order', 'descending', '--link', 'ideal']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /LCR bound n\(n\+1\)\/2\+n = 33152: within \(100\.0% of it\)/);
  t.regex(r.stdout, /for comparison, HS's bound 8n\(1\+ceil\(log2 n\)\)\+n = 18688 \(177\.4% of it\)/);
  t.notRegex(r.stdout, /EXCEEDED/);
});

test('ring file: a bare list, or an id in quotes, is refused in one line', async (t) => {
  const dir = scratch();
  const list = join(dir, 'list.json');
  writeFileSync(list, JSON.stringify([{ id: 1, host: '127.0.0.1', port: 7001 }]));
  await rejects(t, ['node', '--ring', list, '--self', '1'], /ring file .*list\.json: expected an object \{"members": \[\.\.\.\]\}, got a list/);
  const quoted = join(dir, 'quoted.json');
  writeFileSync(quoted, JSON.stringify({ members: [{ id: '7', host: '127.0.0.1', port: 7001 }] }));
  await rejects(t, ['node', '--ring', quoted, '--self', '7'], /ring file .*quoted\.json: member 1: id must be a number, got "7"/);
});
