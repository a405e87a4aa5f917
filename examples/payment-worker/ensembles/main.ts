/**
 * Starts one throwaway server set by hand and keeps it until Ctrl-C:
 *   node dist/examples/payment-worker/ensembles/main.js zookeeper|etcd|postgres [--keep]
 * Prints one JSON line {kind, connect, dir}. Exit codes: 0 stopped cleanly, 2 bad usage,
 * 3 the Debian package is missing or the servers did not start.
 */
import { startEnsemble, ensembleKinds, type EnsembleKind } from './index.js';

const [kind, ...rest] = process.argv.slice(2);
if (!kind || kind === '--help' || !ensembleKinds.includes(kind as EnsembleKind)) {
  console.error(`usage: ensembles/main.js ${ensembleKinds.join('|')} [--keep]   (starts it on 127.0.0.1 ports in a temp dir; Ctrl-C stops it)`);
  process.exit(kind === '--help' ? 0 : 2);
}
try {
  const e = await startEnsemble(kind as EnsembleKind);
  console.log(JSON.stringify({ kind, connect: e.connect, dir: e.dir }));
  // The servers are detached: this timer is what keeps us (and the way to stop them) alive.
  const alive = setInterval(() => undefined, 60_000);
  const stop = () => void e.stop(rest.includes('--keep')).then(() => { clearInterval(alive); process.exit(0); });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`${kind}: ${(err as Error).message}`);
  process.exit(3);
}
