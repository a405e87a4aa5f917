/**
 * The payment queue and its fenced ledger, as one interface over SQLite and PostgreSQL.
 *
 * The fencing recipe (Kleppmann 2016): the store keeps the highest token it has seen and, in the
 * same transaction as the effect, refuses a write whose token is lower (`token >= highest` passes:
 * the same leader writes many times). A new leader raises the fence to its token when it takes
 * office (`claim`), before it reads the balances it will work from, so a deposed leader's late
 * write is refused even before the new leader's first payment. The payment's idempotency key
 * (`applied_token IS NULL` on its row) stops a second application of one payment.
 */

/** A payment waiting in the queue: move `amount` cents from account `src` to account `dst`. */
export interface Payment {
  readonly id: number;
  /** The idempotency key a client would send; unique per payment. */
  readonly key: string;
  readonly src: number;
  readonly dst: number;
  readonly amount: number;
}

export interface Account {
  readonly id: number;
  readonly balance: number;
}

/** One fenced write: the payment and the absolute balances the leader computed from its ledger. */
export interface PaymentWrite {
  readonly payment: Payment;
  readonly token: bigint;
  readonly replica: string;
  readonly srcBalance: number;
  readonly dstBalance: number;
}

/** `stale`: the token is lower than the highest seen (a deposed leader); `duplicate`: already applied. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'stale';

export type Claim =
  | { readonly kind: 'claimed'; readonly balances: ReadonlyMap<number, number> }
  | { readonly kind: 'stale'; readonly highest: bigint };

/**
 * How a store is built: `fenced: false` is the test-only build without the token check, which the
 * chaos test must catch. Nothing but the chaos harness's `--unfenced` switch sets it.
 */
export interface StoreOptions {
  readonly fenced: boolean;
}

/** Everything the audit reads, in commit order where order matters. */
export interface LedgerDump {
  readonly accounts: readonly { id: number; balance: number; initial: number }[];
  readonly payments: readonly { id: number; src: number; dst: number; amount: number; appliedToken: bigint | null }[];
  /**
   * One row per application of a payment's effect, in commit order (`atMs` on the store's clock);
   * `fence`: the highest token claimed or written when it was applied.
   */
  readonly journal: readonly { seq: number; paymentId: number; token: bigint; fence: bigint; replica: string; atMs: number }[];
  readonly refusedStale: number;
  readonly refusedDuplicate: number;
}

export interface PaymentStore {
  /** Creates the tables when missing. */
  setup(): Promise<void>;
  /** Fills an empty store with accounts and queued payments. */
  seed(accounts: readonly Account[], payments: readonly Payment[]): Promise<void>;
  /** Raises the fence to `token` and returns the balances to work from, in one transaction. */
  claim(token: bigint, replica: string): Promise<Claim>;
  /** The oldest payment not applied yet. */
  nextPending(): Promise<Payment | undefined>;
  /** The fenced transaction: token check, idempotency key, effect and journal row, all or nothing. */
  apply(write: PaymentWrite): Promise<ApplyOutcome>;
  /** Payments applied so far, the total, and the fence. */
  progress(): Promise<{ applied: number; total: number; highest: bigint }>;
  dump(): Promise<LedgerDump>;
  close(): Promise<void>;
}

/** A seeded generator (mulberry32) so a run's workload can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `accounts` accounts of 1,000,000 cents each and `payments` transfers between two distinct ones. */
export function workload(seed: number, accounts: number, payments: number): { accounts: Account[]; payments: Payment[] } {
  const rnd = prng(seed);
  const acc = Array.from({ length: accounts }, (_, i) => ({ id: i + 1, balance: 1_000_000 }));
  const pay = Array.from({ length: payments }, (_, i) => {
    const src = 1 + Math.floor(rnd() * accounts);
    const dst = 1 + ((src - 1 + 1 + Math.floor(rnd() * (accounts - 1))) % accounts);
    return { id: i + 1, key: `pay-${seed}-${i + 1}`, src, dst, amount: 1 + Math.floor(rnd() * 5000) };
  });
  return { accounts: acc, payments: pay };
}
