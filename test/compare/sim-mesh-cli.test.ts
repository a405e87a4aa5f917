/** `hs-ring sim --algorithm bully|raft`: the mesh simulator from the CLI, judged on what each algorithm promises. */
import test from 'ava';
import { runCli } from '../helpers/cli.js';

test('sim --algorithm bully: the maximum is elected and known by all, within Bully\'s election bound', async (t) => {
  const r = await runCli(['sim', '--ids', '3,9,4,7,1', '--algorithm', 'bully', '--seed', '1', '--json']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.outcome, 'elected');
  t.is(s.leader, 9);
  // Every member must be up before the election counts as done.
  t.true(s.electionMs > 0);
  t.true(s.electionBound.election <= s.electionBound.bound);
});

test('sim --algorithm bully with loss: Bully\'s promise rests on reliable delivery, and the verdict says it is broken (exit 4)', async (t) => {
  const r = await runCli(['sim', '-n', '8', '--algorithm', 'bully', '--seed', '3', '--loss', '0.3', '--json']);
  t.is(r.code, 4, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.outcome, 'wrong');
  t.true(s.violations.some((v: { property: string }) => v.property === 'AtMostOneLeader'));
});

test('sim --algorithm raft with loss: one leader known by all; electing another than the maximum is reported, not judged', async (t) => {
  const r = await runCli(['sim', '-n', '8', '--algorithm', 'raft', '--seed', '3', '--loss', '0.3', '--json']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.outcome, 'elected');
  t.deepEqual(s.violations, []);
  t.true(s.notPromised.some((v: { property: string }) => v.property === 'LeaderIsMaxLive'));
});

test('sim --algorithm raft refuses ring-only flags with one line and exit 2', async (t) => {
  const r = await runCli(['sim', '--algorithm', 'raft', '--link', 'ideal']);
  t.is(r.code, 2);
  t.regex(r.stderr, /only for ring algorithms/);
});
