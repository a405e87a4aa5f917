/**
 * `hs-ring launch --stay` over UDP: three members on loopback, the leader killed every 2 s and
 * restarted; the launcher, as the outside observer, reports the failovers, no overlapping terms
 * and increasing tokens, and exits 0. Flags that cannot apply are refused in one line.
 */
import test from 'ava';
import { runCli, rejects } from './helpers/cli.js';

interface StayJson {
  readonly safe: boolean;
  readonly failovers: number;
  readonly faults: number;
  readonly withoutLeaderMs: { p50: number; p99: number; max: number } | null;
  readonly tokens: number[];
  readonly tokensIncreasing: boolean;
  readonly overlaps: unknown[];
  readonly failoverList: { fault: string; victim: number; leader: number | null }[];
}

test.serial('cli: launch --stay, the leader killed every 2 s: failovers reported, NoOverlappingLeases and EpochsIncrease hold, exit 0', async (t) => {
  const r = await runCli(['launch', '-n', '3', '--stay', '--duration', '8s', '--kill-leader-every', '2s', '--json'], 25_000);
  t.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as StayJson;
  t.log(`failovers: ${report.failovers}, time without a leader: ${JSON.stringify(report.withoutLeaderMs)}, tokens ${report.tokens.join(', ')}`);
  t.true(report.failovers >= 2, `${report.failovers} failovers`);
  t.deepEqual(report.overlaps, []);
  t.true(report.safe);
  t.true(report.tokensIncreasing);
  for (let i = 1; i < report.tokens.length; i++) t.true(report.tokens[i]! > report.tokens[i - 1]!, `token ${report.tokens[i]} after ${report.tokens[i - 1]}`);
  // Each failover hands office to a member other than the one just killed (it is still restarting).
  for (const f of report.failoverList.filter((x) => x.leader !== null)) t.not(f.leader, f.victim);
  // Live progress: one stderr line per failover.
  t.is(r.stderr.split('\n').filter((l) => /^failover \d+: epoch \d+, leader \d+ in office [\d.]+ ms after the kill of \d+$/.test(l)).length, report.failovers);
});

test('cli: launch --stay refuses what cannot apply, in one line', async (t) => {
  await rejects(t, ['launch', '-n', '3', '--kill-leader-every', '2s'], /--kill-leader-every is for leadership members: add --stay/);
  await rejects(t, ['launch', '-n', '3', '--duration', '2s'], /--duration is for leadership members: add --stay/);
  await rejects(t, ['launch', '-n', '2', '--stay'], /--stay needs at least 3 members, got 2/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--duration', 'soon'], /--duration must be a positive duration such as 30s, 500ms or 2m, got "soon"/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--kill-leader-every', '0s'], /--kill-leader-every must be a positive duration/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--loss', '0.1'], /--stay cannot be combined with --loss/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--kill', '1@5'], /--stay cannot be combined with --kill /);
});
