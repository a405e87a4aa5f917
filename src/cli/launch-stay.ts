/**
 * `hs-ring launch --stay`: a ring of `hs-ring node --stay` members on loopback for a while, with
 * faults injected into the leader at intervals (src/cluster/stay-launch.ts). The launcher is the
 * outside observer: it shows each failover live on stderr and prints the verdict of
 * stay-report.ts (exit 0 safe, 1 an overlap or a repeated or decreasing token, 3 no leader).
 */
import { runStayFaults } from '../cluster/stay-launch.js';
import { expectedSuspicions } from '../cluster/expected-suspicions.js';
import type { StayReport } from '../cluster/stay-report.js';
import { EXIT } from './exit-codes.js';
import type { HeartbeatTargets } from '../core/leadership/member.js';

export interface StayLaunchOptions {
  readonly ids: readonly number[];
  readonly seed: number | null;
  readonly host: string;
  readonly durationMs: number;
  readonly killEveryMs?: number;
  readonly pauseEveryMs?: number;
  readonly resignEveryMs?: number;
  /** --loss, --burst-loss, --fault-seed as every member is given them. */
  readonly memberFlags: readonly string[];
  /** --loss, and whether --burst-loss was given: the expected false suspicions are computed for independent loss only. */
  readonly loss: number;
  readonly burstLoss: boolean;
  /** The faults in words, for the first progress line; undefined for none. */
  readonly faultsText?: string;
  readonly keyFile?: string;
  readonly json: boolean;
  /** Whom followers heartbeat (the ring file's `heartbeats`). */
  readonly heartbeats: HeartbeatTargets;
}

/** Runs the ring, the faults and the report; sets process.exitCode. */
export async function runStayLaunch(o: StayLaunchOptions): Promise<void> {
  if (!o.json && o.seed !== null) progress(`ids from seed ${o.seed}`);
  if (!o.json && o.faultsText !== undefined) progress(o.faultsText);
  const report = await runStayFaults({
    ids: o.ids,
    host: o.host,
    memberFlags: o.memberFlags,
    durationMs: o.durationMs,
    progress: (l) => {
      // With --json only the failovers: the rest is chatter a script does not read.
      if (!o.json || l.startsWith('failover ')) progress(l);
    },
    verbose: !o.json,
    heartbeats: o.heartbeats,
    ...(o.killEveryMs !== undefined ? { killEveryMs: o.killEveryMs } : {}),
    ...(o.pauseEveryMs !== undefined ? { pauseEveryMs: o.pauseEveryMs } : {}),
    ...(o.resignEveryMs !== undefined ? { resignEveryMs: o.resignEveryMs } : {}),
    ...(o.keyFile !== undefined ? { keyFile: o.keyFile } : {}),
  });
  print(o, report);
  process.exitCode = !report.safe ? EXIT.unsafe : report.terms.length === 0 ? EXIT.stalled : EXIT.ok;
}

function progress(line: string): void {
  process.stderr.write(line + '\n');
}

function round(v: number): number {
  return Number(v.toFixed(1));
}

function ms(v: number): string {
  return `${v.toFixed(1)} ms`;
}

/** The report: one JSON object with --json, else a few lines. */
function print(o: StayLaunchOptions, r: StayReport): void {
  const done = r.failovers.filter((f) => f.withoutLeaderMs !== null);
  const { expected, ifLate: expectedIfLate } = expectedSuspicions(o.heartbeats, o.ids.length, o.loss, r.suspicions, o.burstLoss);
  if (o.json) {
    process.stdout.write(JSON.stringify({
      members: o.ids,
      seed: o.seed,
      durationMs: o.durationMs,
      memberFlags: o.memberFlags,
      heartbeats: o.heartbeats,
      safe: r.safe,
      failovers: done.length,
      faults: r.failovers.length,
      withoutLeaderMs: r.withoutLeaderMs && { p50: round(r.withoutLeaderMs.p50), p99: round(r.withoutLeaderMs.p99), max: round(r.withoutLeaderMs.max) },
      tokens: r.tokens,
      tokensIncreasing: r.tokenProblems.length === 0,
      tokenProblems: r.tokenProblems,
      overlaps: r.overlaps,
      falseFailovers: r.falseFailovers.length,
      falseFailoverList: r.falseFailovers,
      suspicions: { ...r.suspicions, expectedByFollowers: expected === null ? null : round(expected), expectedByFollowersIfLate: expectedIfLate === null ? null : round(expectedIfLate) },
      failoverList: r.failovers,
      terms: r.terms,
    }) + '\n');
    return;
  }
  const out = (l: string) => process.stdout.write(l + '\n');
  out(`${r.failovers.length} faults, ${done.length} failovers${done.length < r.failovers.length ? ` (${r.failovers.length - done.length} without a successor before the end)` : ''}`);
  out(`leader changes no fault explains (false failovers): ${r.falseFailovers.length}${r.falseFailovers.length ? ` (epochs ${r.falseFailovers.map((t) => t.epoch).join(', ')})` : ''}`);
  const sus = r.suspicions;
  out(`suspicions: ${sus.total} in all; in calm time (${(sus.calmMs / 1000).toFixed(1)} s with every member up and unhurt) ${sus.calm.byFollowers} by followers, ` +
    (expected === null
      ? `none expected computed (${o.burstLoss ? 'burst loss' : 'no simulated ring kept one leader at that loss'})`
      : expectedIfLate === null
        ? `${expected.toFixed(1)} expected from loss ${o.loss} alone (simulated: ring heartbeats, timers on time)`
        : `${expected.toFixed(1)} expected from loss ${o.loss} alone (${expectedIfLate.toFixed(1)} if every heartbeat due at the deadline is late)`) +
    `, and ${sus.calm.byLeaders} by leaders`);
  if (r.withoutLeaderMs) out(`time without a leader in office, from the fault to the successor's leader line: p50 ${ms(r.withoutLeaderMs.p50)}, p99 ${ms(r.withoutLeaderMs.p99)}, max ${ms(r.withoutLeaderMs.max)}`);
  out(`tokens (epochs) in office: ${r.tokens.join(', ') || 'none'} (${r.tokenProblems.length === 0 ? 'all increasing, none repeated' : `${r.tokenProblems.length} repeated or decreasing`})`);
  for (const p of r.tokenProblems) out(`  token ${p.token} of member ${p.id} is ${p.problem} (after ${p.previous})`);
  out(`overlapping terms in office: ${r.overlaps.length}`);
  for (const v of r.overlaps) out(`  member ${v.first.id} (epoch ${v.first.epoch}) and member ${v.second.id} (epoch ${v.second.epoch}) for ${ms(v.ms)}`);
  out(r.safe ? 'safe: no overlap, tokens increasing' : 'UNSAFE: see above');
}
