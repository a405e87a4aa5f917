/** LCR over UDP: the registry's algorithms all run on real sockets, chosen by `--algorithm`. */
import test from 'ava';
import { NodeGroup } from '../../src/runtime/multi.js';
import { runCli } from '../helpers/cli.js';

test('lcr over UDP: a ring of 6 nodes in one process elects the maximum and sends only LCR\'s messages', async (t) => {
  const ids = [4, 17, 2, 9, 30, 11];
  const group = await NodeGroup.localRing(ids, '127.0.0.1', { timeoutMs: 20_000, algorithm: 'lcr' });
  const results = await group.run();
  t.true(results.every((r) => r.outcome === 'ok' && r.leader === 30), JSON.stringify(results.map((r) => [r.id, r.outcome, r.leader])));
  // LCR sends no replies, and every node starts in phase 0 only.
  t.is(results.reduce((s, r) => s + r.messages.sent.reply, 0), 0);
  t.true(results.every((r) => r.phases === 1));
});

test('lcr over UDP: `launch --algorithm lcr` elects the maximum with separate node processes', async (t) => {
  const r = await runCli(['launch', '--ids', '5,1,8,3', '--algorithm', 'lcr', '--json']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  t.is(s.leader, 8);
  t.is(s.messages.reply, 0);
});
