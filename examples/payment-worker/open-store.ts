/** Opens a payment store from a spec: `sqlite:<file>` or a `postgres://` URL, loading only that driver. */
import type { PaymentStore, StoreOptions } from './store.js';

export async function openStore(spec: string, opts: StoreOptions): Promise<PaymentStore> {
  if (spec.startsWith('sqlite:')) return new (await import('./sqlite-store.js')).SqliteStore(spec.slice('sqlite:'.length), opts);
  if (/^postgres(ql)?:\/\//.test(spec)) return new (await import('./postgres-store.js')).PostgresStore(spec, opts);
  throw new Error(`unknown store ${JSON.stringify(spec)}: expected sqlite:<file> or postgres://...`);
}
