/**
 * The payment store on PostgreSQL (pg), for replicas on several hosts. Every write transaction
 * locks the fence row first (SELECT ... FOR UPDATE), so fenced writes are serialised and the
 * journal's sequence follows commit order; times come from the database's clock, one clock for
 * every host.
 */
import pg from 'pg';
import type { Account, ApplyOutcome, Claim, LedgerDump, Payment, PaymentStore, PaymentWrite, StoreOptions } from './store.js';

const schema = `
CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL, initial BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, src INTEGER NOT NULL,
  dst INTEGER NOT NULL, amount BIGINT NOT NULL, applied_token BIGINT, applied_by TEXT);
CREATE INDEX IF NOT EXISTS payments_pending ON payments (id) WHERE applied_token IS NULL;
CREATE TABLE IF NOT EXISTS journal (seq BIGSERIAL PRIMARY KEY, payment_id INTEGER NOT NULL, token BIGINT NOT NULL,
  fence BIGINT NOT NULL, replica TEXT NOT NULL, at_ms DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS fence (resource TEXT PRIMARY KEY, highest BIGINT NOT NULL);
INSERT INTO fence VALUES ('payments', 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS refusals (seq BIGSERIAL PRIMARY KEY, payment_id INTEGER, token BIGINT NOT NULL,
  highest BIGINT NOT NULL, replica TEXT NOT NULL, reason TEXT NOT NULL, at_ms DOUBLE PRECISION NOT NULL);
`;
const nowMs = 'extract(epoch from clock_timestamp()) * 1000';

export class PostgresStore implements PaymentStore {
  private readonly pool: pg.Pool;

  constructor(readonly url: string, private readonly opts: StoreOptions) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
    // A replica killed mid-query leaves the server to notice; an idle client's error must not crash us.
    this.pool.on('error', () => undefined);
  }

  /** Runs `fn` in one transaction; rolls back on any error. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async setup(): Promise<void> {
    // The server may still be starting when its port opens: retry for a while.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.pool.query(schema);
        return;
      } catch (err) {
        if (attempt > 50 || !/starting up|ECONNREFUSED|already exists/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async seed(accounts: readonly Account[], payments: readonly Payment[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query('INSERT INTO accounts (id, balance, initial) SELECT * FROM unnest($1::int[], $2::bigint[], $2::bigint[])',
        [accounts.map((a) => a.id), accounts.map((a) => a.balance)]);
      await c.query('INSERT INTO payments (id, idem_key, src, dst, amount) SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::bigint[])',
        [payments.map((p) => p.id), payments.map((p) => p.key), payments.map((p) => p.src), payments.map((p) => p.dst), payments.map((p) => p.amount)]);
    });
  }

  private async lockFence(c: pg.PoolClient): Promise<bigint> {
    const r = await c.query("SELECT highest FROM fence WHERE resource = 'payments' FOR UPDATE");
    return BigInt(r.rows[0].highest);
  }

  private async refuse(c: pg.PoolClient, paymentId: number | null, token: bigint, highest: bigint, replica: string, reason: string): Promise<void> {
    await c.query(`INSERT INTO refusals (payment_id, token, highest, replica, reason, at_ms) VALUES ($1, $2, $3, $4, $5, ${nowMs})`,
      [paymentId, token.toString(), highest.toString(), replica, reason]);
  }

  async claim(token: bigint, replica: string): Promise<Claim> {
    return this.tx(async (c): Promise<Claim> => {
      const highest = await this.lockFence(c);
      if (this.opts.fenced && token < highest) {
        await this.refuse(c, null, token, highest, replica, 'stale');
        return { kind: 'stale', highest };
      }
      await c.query("UPDATE fence SET highest = GREATEST(highest, $1) WHERE resource = 'payments'", [token.toString()]);
      const r = await c.query('SELECT id, balance FROM accounts');
      return { kind: 'claimed', balances: new Map(r.rows.map((row) => [Number(row.id), Number(row.balance)])) };
    });
  }

  async nextPending(): Promise<Payment | undefined> {
    const r = await this.pool.query('SELECT id, idem_key, src, dst, amount FROM payments WHERE applied_token IS NULL ORDER BY id LIMIT 1');
    const row = r.rows[0];
    return row && { id: Number(row.id), key: String(row.idem_key), src: Number(row.src), dst: Number(row.dst), amount: Number(row.amount) };
  }

  async apply(w: PaymentWrite): Promise<ApplyOutcome> {
    return this.tx(async (c): Promise<ApplyOutcome> => {
      const highest = await this.lockFence(c);
      const token = w.token.toString();
      if (this.opts.fenced && w.token < highest) {
        await this.refuse(c, w.payment.id, w.token, highest, w.replica, 'stale');
        return 'stale';
      }
      const marked = await c.query('UPDATE payments SET applied_token = $1, applied_by = $2 WHERE idem_key = $3 AND applied_token IS NULL',
        [token, w.replica, w.payment.key]);
      if (marked.rowCount === 0) {
        await this.refuse(c, w.payment.id, w.token, highest, w.replica, 'duplicate');
        return 'duplicate';
      }
      await c.query('UPDATE accounts SET balance = $1 WHERE id = $2', [w.srcBalance, w.payment.src]);
      await c.query('UPDATE accounts SET balance = $1 WHERE id = $2', [w.dstBalance, w.payment.dst]);
      await c.query(`INSERT INTO journal (payment_id, token, fence, replica, at_ms) VALUES ($1, $2, $3, $4, ${nowMs})`, [w.payment.id, token, highest.toString(), w.replica]);
      await c.query("UPDATE fence SET highest = GREATEST(highest, $1) WHERE resource = 'payments'", [token]);
      return 'applied';
    });
  }

  async progress(): Promise<{ applied: number; total: number; highest: bigint }> {
    const r = await this.pool.query("SELECT COUNT(applied_token) AS applied, COUNT(*) AS total, (SELECT highest FROM fence WHERE resource = 'payments') AS highest FROM payments");
    const row = r.rows[0];
    return { applied: Number(row.applied), total: Number(row.total), highest: BigInt(row.highest) };
  }

  async dump(): Promise<LedgerDump> {
    const q = async (sql: string) => (await this.pool.query(sql)).rows;
    return {
      accounts: (await q('SELECT id, balance, initial FROM accounts ORDER BY id')).map((r) => ({ id: Number(r.id), balance: Number(r.balance), initial: Number(r.initial) })),
      payments: (await q('SELECT id, src, dst, amount, applied_token FROM payments ORDER BY id')).map((r) => ({
        id: Number(r.id), src: Number(r.src), dst: Number(r.dst), amount: Number(r.amount), appliedToken: r.applied_token === null ? null : BigInt(r.applied_token),
      })),
      journal: (await q('SELECT seq, payment_id, token, fence, replica, at_ms FROM journal ORDER BY seq')).map((r) => ({
        seq: Number(r.seq), paymentId: Number(r.payment_id), token: BigInt(r.token), fence: BigInt(r.fence), replica: String(r.replica), atMs: Number(r.at_ms),
      })),
      refusedStale: Number((await q("SELECT COUNT(*) AS n FROM refusals WHERE reason = 'stale'"))[0].n),
      refusedDuplicate: Number((await q("SELECT COUNT(*) AS n FROM refusals WHERE reason = 'duplicate'"))[0].n),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
