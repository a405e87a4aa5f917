/**
 * One replica of the payment worker as an OS process (the chaos harness forks five):
 *   node replica.js --coordinator zookeeper|etcd|ring --connect <servers or ring file> --store sqlite:<file>|postgres://...
 *                   --name r1 [--lease-ms 1000] [--margin-ms 200] [--work-ms 5]
 *                   [--state-dir <dir> --loss 0.2 --seed 1]   (ring: the member's promises, its self-inflicted loss)
 * Test-only switches: --unfenced (the build without the token check) and --pause-hook (the harness
 * may ask, over IPC, to be stopped right after the next leadership check).
 * It reports its terms to the parent over IPC: {type:'leader', token}, {type:'stepdown', ...}.
 */
import { parseArgs } from 'node:util';
import { createCoordinator, coordinatorKinds, type CoordinatorKind } from './coordinators/index.js';
import { openStore } from './open-store.js';
import { runWorker, type WorkerHooks } from './worker.js';

const { values } = parseArgs({
  options: {
    coordinator: { type: 'string' },
    connect: { type: 'string' },
    store: { type: 'string' },
    name: { type: 'string' },
    'lease-ms': { type: 'string', default: '1000' },
    'margin-ms': { type: 'string', default: '200' },
    'work-ms': { type: 'string', default: '5' },
    'state-dir': { type: 'string' },
    loss: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    unfenced: { type: 'boolean', default: false },
    'pause-hook': { type: 'boolean', default: false },
  },
});
const kind = values.coordinator as CoordinatorKind;
if (!coordinatorKinds.includes(kind) || !values.connect || !values.store || !values.name) {
  console.error('usage: replica.js --coordinator zookeeper|etcd|ring --connect <servers|ring file> --store <spec> --name <name>');
  process.exit(2);
}

const send = (msg: object) => process.send?.(JSON.parse(JSON.stringify(msg, (_, v) => (typeof v === 'bigint' ? v.toString() : v))));
const stop = new AbortController();
const store = await openStore(values.store, { fenced: !values.unfenced });
const coordinator = await createCoordinator(kind, {
  connect: values.connect,
  name: values.name,
  leaseMs: Number(values['lease-ms']),
  stepDownMarginMs: Number(values['margin-ms']),
  ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
  loss: Number(values.loss),
  seed: Number(values.seed),
});

let pauseArmed = false;
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'arm-pause') pauseArmed = true;
});
const hooks: WorkerHooks = {
  onTerm: (e) => send(e),
  ...(values['pause-hook'] ? {
    // Stop ourselves here, between the leadership check and the write: the harness resumes us
    // once a newer leader has taken office, which is the pause that breaks unfenced locks.
    afterLeadershipCheck: (term) => {
      if (!pauseArmed) return Promise.resolve();
      pauseArmed = false;
      return new Promise<void>((resolve) => {
        process.send?.({ type: 'pausing', token: term.token.toString() }, () => {
          process.kill(process.pid, 'SIGSTOP');
          resolve();
        });
      });
    },
  } : {}),
};

const shutdown = () => {
  stop.abort();
  void coordinator.close().finally(() => store.close().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.once('SIGTERM', shutdown);
process.once('disconnect', shutdown);

await runWorker(coordinator, store, { replica: values.name, workMs: Number(values['work-ms']), idleMs: 20, stop: stop.signal }, hooks);
