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
  readonly suspicions: { total: number; calm: { byFollowers: number; byLeaders: number }; calmMs: number; calmWithLeaderMs: number; expectedByFollowers: number | null; expectedByFollowersIfLate: number | null };
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

test.serial('cli: launch --stay --loss 0.2 with the leader told to resign: every member loses a fifth of what it sends, and still NoOverlappingLeases and EpochsIncrease hold', async (t) => {
  const r = await runCli(['launch', '-n', '3', '--stay', '--duration', '5s', '--loss', '0.2', '--fault-seed', '11', '--resign-leader-every', '1500ms', '--json'], 25_000);
  t.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as StayJson & { falseFailovers: number; memberFlags: string[] };
  t.log(`faults: ${report.faults}, failovers: ${report.failovers}, false failovers: ${report.falseFailovers}, tokens ${report.tokens.join(', ')}`);
  t.deepEqual(report.memberFlags, ['--loss', '0.2', '--fault-seed', '11']);
  t.deepEqual(report.overlaps, []);
  t.true(report.safe && report.tokensIncreasing);
  t.true(report.tokens.length >= 1, 'a leader took office');
  for (const f of report.failoverList) t.is(f.fault, 'resign');
});

test.serial('cli: launch --stay --loss 0.3 with no fault: the suspicions the members report in calm time are set beside what falseSuspicionRate expects', async (t) => {
  const r = await runCli(['launch', '-n', '3', '--stay', '--duration', '5s', '--loss', '0.3', '--fault-seed', '3', '--json'], 25_000);
  t.is(r.code, 0, r.stderr);
  const { suspicions: s } = JSON.parse(r.stdout) as StayJson;
  t.log(JSON.stringify(s));
  t.true(s.calmMs > 3000 && s.calmWithLeaderMs <= s.calmMs, `calm ${s.calmMs} ms`);
  // 0.3 loss, H = 50, S = 150: 0.82 suspicions a second per pair, 4 pairs while a leader is in office.
  t.true(s.expectedByFollowers! > 5 && s.expectedByFollowersIfLate! > s.expectedByFollowers!, `expected ${s.expectedByFollowers}, ${s.expectedByFollowersIfLate} if late`);
  t.true(s.calm.byFollowers > 0 && s.total >= s.calm.byFollowers + s.calm.byLeaders, JSON.stringify(s));
  const text = await runCli(['launch', '-n', '3', '--stay', '--duration', '2s', '--loss', '0.3', '--fault-seed', '3'], 25_000);
  t.regex(text.stdout, /^suspicions: \d+ in all; in calm time \([\d.]+ s with every member up and unhurt\) \d+ by followers, [\d.]+ expected from loss 0.3 alone \([\d.]+ if every heartbeat due at the deadline is late\), and \d+ by leaders$/m);
});

test('cli: launch --stay refuses what cannot apply, in one line', async (t) => {
  await rejects(t, ['launch', '-n', '3', '--kill-leader-every', '2s'], /--kill-leader-every is for leadership members: add --stay/);
  await rejects(t, ['launch', '-n', '3', '--duration', '2s'], /--duration is for leadership members: add --stay/);
  await rejects(t, ['launch', '-n', '2', '--stay'], /--stay needs at least 3 members, got 2/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--duration', 'soon'], /--duration must be a positive duration such as 30s, 500ms or 2m, got "soon"/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--kill-leader-every', '0s'], /--kill-leader-every must be a positive duration/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--dup', '0.1'], /--stay cannot be combined with --dup/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--loss', '1.5'], /--loss must be a probability in \[0, 1\), got 1.5/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--burst-loss', '3s/300ms'], /--burst-loss: expected FOR\/EVERY with FOR shorter/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--fault-seed', '7'], /--fault-seed seeds the loss of --loss or --burst-loss/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--loss', '0.1', '--fault-seed', '-1'], /--fault-seed must be an integer/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--resign-leader-every', 'often'], /--resign-leader-every must be a positive duration/);
  await rejects(t, ['launch', '-n', '3', '--burst-loss', '300ms/3s'], /--burst-loss is for leadership members: add --stay/);
  await rejects(t, ['launch', '-n', '3', '--stay', '--kill', '1@5'], /--stay cannot be combined with --kill /);
});
