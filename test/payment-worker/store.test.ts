/**
 * The fenced transaction, on both stores with one shared suite: the fence refuses a lower token
 * and counts it, the idempotency key refuses a second application, a new leader's claim shuts out
 * its predecessor before its own first payment, and the test-only unfenced build lets a stale
 * write through (which the audit then reports).
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { audit, failures } from '../../examples/payment-worker/chaos/audit.js';
import type { Ensemble } from '../../examples/payment-worker/ensembles/ensemble.js';
import { startPostgres } from '../../examples/payment-worker/ensembles/postgres.js';
import { openStore } from '../../examples/payment-worker/open-store.js';
import { workload, type PaymentStore } from '../../examples/payment-worker/store.js';
import { ci, missing } from './availability.js';

type Open = (fenced: boolean) => Promise<PaymentStore>;

const dir = mkdtempSync(join(tmpdir(), 'hs-ring-store-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const sqlite: Open = async (fenced) => openStore(`sqlite:${join(dir, `s${files++}.db`)}`, { fenced });

const pgWhy = missing('postgresql');
let server: Ensemble | undefined;
let dbs = 0;
const postgres: Open = async (fenced) => {
  server ??= await startPostgres();
  const name = `t${dbs++}`;
  const admin = new pg.Client({ connectionString: server.connect });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return openStore(server.connect.replace(/\/postgres$/, `/${name}`), { fenced });
};
test.after.always(async () => { await server?.stop(); });

async function seeded(open: Open, fenced: boolean): Promise<PaymentStore> {
  const s = await open(fenced);
  await s.setup();
  const w = workload(7, 4, 10);
  await s.seed(w.accounts, w.payments);
  return s;
}

/** Applies the next payment as a leader with `ledger` would. */
async function applyNext(s: PaymentStore, token: bigint, ledger: ReadonlyMap<number, number>) {
  const p = (await s.nextPending())!;
  return s.apply({ payment: p, token, replica: `r${token}`, srcBalance: ledger.get(p.src)! - p.amount, dstBalance: ledger.get(p.dst)! + p.amount });
}

/** An unfenced store where token 1 ('old') and then token 2 ('new') have claimed the work. */
async function twoClaimsUnfenced(t: ExecutionContext, open: Open) {
  t.timeout(60_000);
  const s = await seeded(open, false);
  t.teardown(() => s.close());
  const old = await s.claim(1n, 'old');
  const now = await s.claim(2n, 'new');
  if (old.kind !== 'claimed' || now.kind !== 'claimed') throw new Error('claims refused');
  return { s, old, now };
}

for (const [backend, open, why] of [['sqlite', sqlite, undefined], ['postgres', postgres, pgWhy]] as const) {
  const run = why && !ci ? test.serial.skip : test.serial;
  const note = why && !ci ? ` (SKIPPED: ${why})` : '';
  const guard = (t: { fail(m: string): void }) => { if (why) { t.fail(`cannot run in CI: ${why}`); return true; } return false; };

  run(`store ${backend}: a lower token is refused and counted; the same token writes again${note}`, async (t) => {
    if (guard(t)) return;
    t.timeout(60_000);
    const s = await seeded(open, true);
    t.teardown(() => s.close());
    const c5 = await s.claim(5n, 'a');
    t.is(c5.kind, 'claimed');
    if (c5.kind !== 'claimed') return;
    t.is(await applyNext(s, 5n, c5.balances), 'applied');
    t.is((await s.claim(4n, 'b')).kind, 'stale', 'a lower token cannot take office');
    t.is(await applyNext(s, 4n, c5.balances), 'stale', 'nor write');
    const d = await s.dump();
    t.is(d.refusedStale, 2);
    t.is(d.journal.length, 1);
    t.is((await s.progress()).highest, 5n);
    t.deepEqual(failures(audit(d), 0).filter((f) => !f.startsWith('payments applied')), []);
  });

  run(`store ${backend}: a new leader's claim shuts out its predecessor before the new leader's first payment${note}`, async (t) => {
    if (guard(t)) return;
    t.timeout(60_000);
    const s = await seeded(open, true);
    t.teardown(() => s.close());
    const old = await s.claim(1n, 'old');
    if (old.kind !== 'claimed') return t.fail('first claim refused');
    t.is((await s.claim(2n, 'new')).kind, 'claimed');
    t.is(await applyNext(s, 1n, old.balances), 'stale');
    t.is((await s.progress()).applied, 0);
  });

  run(`store ${backend}: a payment's idempotency key refuses a second application${note}`, async (t) => {
    if (guard(t)) return;
    t.timeout(60_000);
    const s = await seeded(open, true);
    t.teardown(() => s.close());
    const c = await s.claim(1n, 'a');
    if (c.kind !== 'claimed') return t.fail('claim refused');
    const p = (await s.nextPending())!;
    const write = { payment: p, token: 1n, replica: 'a', srcBalance: c.balances.get(p.src)! - p.amount, dstBalance: c.balances.get(p.dst)! + p.amount };
    t.is(await s.apply(write), 'applied');
    t.is(await s.apply(write), 'duplicate');
    const d = await s.dump();
    t.is(d.refusedDuplicate, 1);
    t.is(d.journal.length, 1);
    t.is(audit(d).appliedExactlyOnce, 1);
  });

  run(`store ${backend}: the unfenced build lets a stale leader's write through, and the audit says so${note}`, async (t) => {
    if (guard(t)) return;
    const { s, old, now } = await twoClaimsUnfenced(t, open);
    const ledger = new Map(now.balances);
    for (let i = 0; i < 3; i++) {
      const p = (await s.nextPending())!;
      ledger.set(p.src, ledger.get(p.src)! - p.amount);
      ledger.set(p.dst, ledger.get(p.dst)! + p.amount);
      t.is(await s.apply({ payment: p, token: 2n, replica: 'new', srcBalance: ledger.get(p.src)!, dstBalance: ledger.get(p.dst)! }), 'applied');
    }
    t.is(await applyNext(s, 1n, old.balances), 'applied', 'no token check: the deposed leader writes from its stale ledger');
    const a = audit(await s.dump());
    t.is(a.staleWritesApplied, 1);
    t.false(a.balancesAddUp);
    t.true(failures(a, 1).some((f) => f.includes('stale token')));
  });

  run(`store ${backend}: a stale write between the successor's claim and its first write is counted as stale too${note}`, async (t) => {
    if (guard(t)) return;
    const { s, old, now } = await twoClaimsUnfenced(t, open);
    t.is(await applyNext(s, 1n, old.balances), 'applied', 'the deposed leader writes first');
    t.is(await applyNext(s, 2n, now.balances), 'applied');
    const a = audit(await s.dump());
    t.is(a.staleWritesApplied, 1, 'token 1 was written after token 2 was claimed');
  });
}
