/**
 * The payment store on SQLite (better-sqlite3 12): the embedded default, for replicas on one host
 * sharing one database file. WAL lets readers run beside the writer; every write transaction
 * starts IMMEDIATE, so it holds the write lock from its first read of the fence to its commit.
 */
import Database from 'better-sqlite3';
import type { Account, ApplyOutcome, Claim, LedgerDump, Payment, PaymentStore, PaymentWrite, StoreOptions } from './store.js';

const schema = `
CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, initial INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, src INTEGER NOT NULL,
  dst INTEGER NOT NULL, amount INTEGER NOT NULL, applied_token INTEGER, applied_by TEXT);
CREATE INDEX IF NOT EXISTS payments_pending ON payments (id) WHERE applied_token IS NULL;
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, payment_id INTEGER NOT NULL,
  token INTEGER NOT NULL, fence INTEGER NOT NULL, replica TEXT NOT NULL, at_ms REAL NOT NULL);
CREATE TABLE IF NOT EXISTS fence (resource TEXT PRIMARY KEY, highest INTEGER NOT NULL);
INSERT OR IGNORE INTO fence VALUES ('payments', 0);
CREATE TABLE IF NOT EXISTS refusals (seq INTEGER PRIMARY KEY AUTOINCREMENT, payment_id INTEGER, token INTEGER NOT NULL,
  highest INTEGER NOT NULL, replica TEXT NOT NULL, reason TEXT NOT NULL, at_ms REAL NOT NULL);
`;

interface PaymentRow { id: number; idem_key: string; src: number; dst: number; amount: number }

export class SqliteStore implements PaymentStore {
  private readonly db: Database.Database;

  constructor(readonly file: string, private readonly opts: StoreOptions) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = NORMAL');
    this.db.defaultSafeIntegers(false);
  }

  async setup(): Promise<void> {
    this.db.exec(schema);
  }

  async seed(accounts: readonly Account[], payments: readonly Payment[]): Promise<void> {
    const acc = this.db.prepare('INSERT INTO accounts (id, balance, initial) VALUES (?, ?, ?)');
    const pay = this.db.prepare('INSERT INTO payments (id, idem_key, src, dst, amount) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const a of accounts) acc.run(a.id, a.balance, a.balance);
      for (const p of payments) pay.run(p.id, p.key, p.src, p.dst, p.amount);
    })();
  }

  private highest(): bigint {
    return this.db.prepare("SELECT highest FROM fence WHERE resource = 'payments'").safeIntegers(true).pluck().get() as bigint;
  }

  async claim(token: bigint, replica: string): Promise<Claim> {
    return this.db.transaction((): Claim => {
      const highest = this.highest();
      if (this.opts.fenced && token < highest) {
        this.refuse(null, token, highest, replica, 'stale');
        return { kind: 'stale', highest };
      }
      this.db.prepare("UPDATE fence SET highest = MAX(highest, ?) WHERE resource = 'payments'").run(token);
      const rows = this.db.prepare('SELECT id, balance FROM accounts').all() as Account[];
      return { kind: 'claimed', balances: new Map(rows.map((r) => [r.id, r.balance])) };
    }).immediate();
  }

  async nextPending(): Promise<Payment | undefined> {
    const r = this.db.prepare('SELECT id, idem_key, src, dst, amount FROM payments WHERE applied_token IS NULL ORDER BY id LIMIT 1').get() as PaymentRow | undefined;
    return r && { id: r.id, key: r.idem_key, src: r.src, dst: r.dst, amount: r.amount };
  }

  async apply(w: PaymentWrite): Promise<ApplyOutcome> {
    return this.db.transaction((): ApplyOutcome => {
      const highest = this.highest();
      if (this.opts.fenced && w.token < highest) {
        this.refuse(w.payment.id, w.token, highest, w.replica, 'stale');
        return 'stale';
      }
      const marked = this.db.prepare('UPDATE payments SET applied_token = ?, applied_by = ? WHERE idem_key = ? AND applied_token IS NULL')
        .run(w.token, w.replica, w.payment.key);
      if (marked.changes === 0) {
        this.refuse(w.payment.id, w.token, highest, w.replica, 'duplicate');
        return 'duplicate';
      }
      const set = this.db.prepare('UPDATE accounts SET balance = ? WHERE id = ?');
      set.run(w.srcBalance, w.payment.src);
      set.run(w.dstBalance, w.payment.dst);
      this.db.prepare('INSERT INTO journal (payment_id, token, fence, replica, at_ms) VALUES (?, ?, ?, ?, ?)').run(w.payment.id, w.token, highest, w.replica, Date.now());
      this.db.prepare("UPDATE fence SET highest = MAX(highest, ?) WHERE resource = 'payments'").run(w.token);
      return 'applied';
    }).immediate();
  }

  private refuse(paymentId: number | null, token: bigint, highest: bigint, replica: string, reason: 'stale' | 'duplicate'): void {
    this.db.prepare('INSERT INTO refusals (payment_id, token, highest, replica, reason, at_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(paymentId, token, highest, replica, reason, Date.now());
  }

  async progress(): Promise<{ applied: number; total: number; highest: bigint }> {
    const r = this.db.prepare('SELECT COUNT(applied_token) AS applied, COUNT(*) AS total FROM payments').get() as { applied: number; total: number };
    return { ...r, highest: this.highest() };
  }

  async dump(): Promise<LedgerDump> {
    const big = (sql: string) => this.db.prepare(sql).safeIntegers(true).all() as Record<string, bigint | string | number | null>[];
    const n = (v: unknown) => Number(v);
    return {
      accounts: big('SELECT id, balance, initial FROM accounts ORDER BY id').map((r) => ({ id: n(r.id), balance: n(r.balance), initial: n(r.initial) })),
      payments: big('SELECT id, src, dst, amount, applied_token FROM payments ORDER BY id').map((r) => ({
        id: n(r.id), src: n(r.src), dst: n(r.dst), amount: n(r.amount), appliedToken: r.applied_token === null ? null : BigInt(r.applied_token as bigint),
      })),
      journal: big('SELECT seq, payment_id, token, fence, replica, at_ms FROM journal ORDER BY seq').map((r) => ({
        seq: n(r.seq), paymentId: n(r.payment_id), token: BigInt(r.token as bigint), fence: BigInt(r.fence as bigint), replica: String(r.replica), atMs: n(r.at_ms),
      })),
      refusedStale: n(this.db.prepare("SELECT COUNT(*) FROM refusals WHERE reason = 'stale'").pluck().get()),
      refusedDuplicate: n(this.db.prepare("SELECT COUNT(*) FROM refusals WHERE reason = 'duplicate'").pluck().get()),
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
