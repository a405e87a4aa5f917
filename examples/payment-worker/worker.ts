/**
 * The payment worker's core loop: while this replica leads, take the oldest queued payment and
 * apply it in one fenced transaction. The leader is the only writer, so it keeps the balances in
 * memory (loaded when it takes office) and writes the results; that is what leadership buys, and
 * why a deposed leader's write would do harm: fencing is what makes it safe.
 */
import type { Coordinator, Term } from './coordinators/coordinator.js';
import type { PaymentStore } from './store.js';

/** Why a term of office ended: the signal fired, the store refused our token, or a payment was already applied by someone else. */
export type TermEnd = 'signal' | 'stale' | 'conflict' | 'stopped';

export interface WorkerHooks {
  /** Test-only: runs right after the leadership check and before the write (the chaos harness pauses the process here). */
  afterLeadershipCheck?(term: Term): Promise<void>;
  onTerm?(event: { type: 'leader'; token: bigint } | { type: 'stepdown'; token: bigint; why: TermEnd; applied: number }): void;
}

export interface WorkerOptions {
  readonly replica: string;
  /** Time one payment takes besides the database (a call to a payment provider, say). */
  readonly workMs: number;
  /** Poll period when the queue is empty. */
  readonly idleMs: number;
  readonly stop: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Works one term of office; returns why it ended. */
export async function lead(term: Term, store: PaymentStore, opts: WorkerOptions, hooks: WorkerHooks = {}): Promise<{ why: TermEnd; applied: number }> {
  const claim = await store.claim(term.token, opts.replica);
  if (claim.kind === 'stale') return { why: 'stale', applied: 0 };
  const ledger = new Map(claim.balances);
  let applied = 0;
  for (;;) {
    if (opts.workMs > 0) await sleep(opts.workMs);
    if (opts.stop.aborted) return { why: 'stopped', applied };
    if (term.signal.aborted) return { why: 'signal', applied }; // the leadership check
    await hooks.afterLeadershipCheck?.(term);
    const p = await store.nextPending();
    if (!p) {
      await sleep(opts.idleMs);
      continue;
    }
    const srcBalance = ledger.get(p.src)! - p.amount;
    const dstBalance = ledger.get(p.dst)! + p.amount;
    const outcome = await store.apply({ payment: p, token: term.token, replica: opts.replica, srcBalance, dstBalance });
    if (outcome === 'stale') return { why: 'stale', applied };
    if (outcome === 'duplicate') return { why: 'conflict', applied }; // our ledger may be behind: claim again
    ledger.set(p.src, srcBalance);
    ledger.set(p.dst, dstBalance);
    applied++;
  }
}

/** Campaigns, leads, resigns, again, until `opts.stop` fires. */
export async function runWorker(coordinator: Coordinator, store: PaymentStore, opts: WorkerOptions, hooks: WorkerHooks = {}): Promise<void> {
  while (!opts.stop.aborted) {
    let term: Term;
    try {
      term = await coordinator.campaign();
    } catch {
      await coordinator.resign().catch(() => undefined);
      await sleep(100);
      continue;
    }
    hooks.onTerm?.({ type: 'leader', token: term.token });
    let end: { why: TermEnd; applied: number };
    try {
      end = await lead(term, store, opts, hooks);
    } catch {
      end = { why: 'conflict', applied: 0 };
    }
    hooks.onTerm?.({ type: 'stepdown', token: term.token, why: end.why, applied: end.applied });
    await coordinator.resign().catch(() => undefined);
  }
}
