/**
 * The chaos test's verdict, read from the ledger after the run: every payment applied exactly
 * once, balances that add up (each account = initial + its applied payments, and the total
 * unchanged), no write applied under a token lower than one already applied, stale writes
 * refused when a leader was paused, and the time with no replica processing at each change of
 * leader (gap between the last commit of one token and the first of the next).
 */
import type { LedgerDump } from '../store.js';

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Audit {
  payments: number;
  appliedExactlyOnce: number;
  notApplied: number;
  appliedMoreThanOnce: number;
  balancesAddUp: boolean;
  accountsOff: number;
  /** Sum of balances minus sum of initial balances, cents (0 when money is conserved). */
  moneyCreated: number;
  /**
   * Journal entries whose token is lower than one already claimed or applied (the fence row, which
   * a successor's claim raises before its first write): a stale leader's write that got through.
   */
  staleWritesApplied: number;
  staleWritesRefused: number;
  duplicateWritesRefused: number;
  leaderChanges: number;
  /** ms with no replica processing, at each change of leader. */
  gapMs: Percentiles;
}

/** Nearest-rank percentiles of `xs` (all zeros when empty). */
export function percentiles(xs: readonly number[]): Percentiles {
  if (xs.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const r = (x: number) => Math.round(x);
  return { count: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1]!) };
}

export function audit(d: LedgerDump): Audit {
  const times = new Map<number, number>();
  for (const j of d.journal) times.set(j.paymentId, (times.get(j.paymentId) ?? 0) + 1);
  const expected = new Map(d.accounts.map((a) => [a.id, a.initial]));
  const byId = new Map(d.payments.map((p) => [p.id, p]));
  for (const j of d.journal) {
    const p = byId.get(j.paymentId)!;
    expected.set(p.src, expected.get(p.src)! - p.amount);
    expected.set(p.dst, expected.get(p.dst)! + p.amount);
  }
  const accountsOff = d.accounts.filter((a) => a.balance !== expected.get(a.id)).length;
  const moneyCreated = d.accounts.reduce((s, a) => s + a.balance - a.initial, 0);
  let highest = -1n;
  let staleWritesApplied = 0;
  const gaps: number[] = [];
  for (let i = 0; i < d.journal.length; i++) {
    const j = d.journal[i]!;
    if (j.token < highest || j.token < j.fence) staleWritesApplied++;
    if (j.token > highest) highest = j.token;
    const prev = d.journal[i - 1];
    if (prev && prev.token !== j.token) gaps.push(j.atMs - prev.atMs);
  }
  const once = d.payments.filter((p) => times.get(p.id) === 1 && p.appliedToken !== null).length;
  return {
    payments: d.payments.length,
    appliedExactlyOnce: once,
    notApplied: d.payments.filter((p) => !times.has(p.id)).length,
    appliedMoreThanOnce: d.payments.filter((p) => (times.get(p.id) ?? 0) > 1).length,
    balancesAddUp: accountsOff === 0 && moneyCreated === 0,
    accountsOff,
    moneyCreated,
    staleWritesApplied,
    staleWritesRefused: d.refusedStale,
    duplicateWritesRefused: d.refusedDuplicate,
    leaderChanges: gaps.length,
    gapMs: percentiles(gaps),
  };
}

/** What failed, in words; empty when the run passed. `pauses` is how many stale-leader pauses were injected. */
export function failures(a: Audit, pauses: number): string[] {
  const out: string[] = [];
  if (a.appliedExactlyOnce !== a.payments) {
    out.push(`payments applied exactly once: ${a.appliedExactlyOnce} of ${a.payments} (${a.notApplied} never, ${a.appliedMoreThanOnce} more than once)`);
  }
  if (!a.balancesAddUp) out.push(`balances do not add up: ${a.accountsOff} accounts off, ${a.moneyCreated} cents created`);
  if (a.staleWritesApplied > 0) out.push(`${a.staleWritesApplied} writes applied under a stale token`);
  if (pauses > 0 && a.staleWritesRefused === 0) out.push(`no stale write refused although ${pauses} leaders were paused past their lease`);
  return out;
}
