/**
 * `npm run chaos -- --coordinator zookeeper|etcd|ring [--store sqlite|postgres] [--json] ...`
 * Runs the payment worker's chaos test (see harness.ts) and prints its report.
 * Exit codes: 0 passed; 1 failed (a payment not applied exactly once, balances off, a stale write
 * applied, or none refused in the pause case); 2 bad arguments; 3 cannot run here (a Debian
 * package missing, or an ensemble that did not start).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CoordinatorUnavailableError, coordinatorKinds, type CoordinatorKind } from '../coordinators/coordinator.js';
import { EnsembleStartError, MissingPackageError } from '../ensembles/process.js';
import { selfAndChildrenCpuMs } from './cpu.js';
import { defaults, lossOf, runChaos, type ChaosOptions, type ChaosReport } from './harness.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('npm run chaos --')
  .usage('$0 --coordinator zookeeper|etcd|ring [options]\n\nKills the leading replica every --kill-every ms (restarting it --restart-after ms later) and pauses some leaders past their lease right after their leadership check; then checks from the ledger that every payment was applied exactly once, balances add up and stale writes were refused.')
  .option('coordinator', { choices: coordinatorKinds, demandOption: true, describe: 'who elects the leader (ring: hs-ring members in the replicas themselves, no server)' })
  .option('store', { choices: ['sqlite', 'postgres'] as const, default: defaults.store, describe: 'the payments database' })
  .option('replicas', { type: 'number', default: defaults.replicas })
  .option('payments', { type: 'number', default: defaults.payments })
  .option('accounts', { type: 'number', default: defaults.accounts })
  .option('kill-every', { type: 'number', default: defaults.killEveryMs, describe: 'ms between chaos ticks (kill or pause the leader)' })
  .option('restart-after', { type: 'number', default: defaults.restartAfterMs, describe: 'ms before a killed replica restarts' })
  .option('pauses', { type: 'number', default: defaults.pauses, describe: 'leaders to SIGSTOP after their leadership check, past their lease' })
  .option('pause-every', { type: 'number', default: defaults.pauseEvery, describe: 'a pause every N ticks' })
  .option('first-pause', { type: 'number', default: defaults.firstPauseTick, describe: 'the tick of the first pause' })
  .option('lease', { type: 'number', default: defaults.leaseMs, describe: 'ms: ZooKeeper session timeout / etcd lease TTL (rounded up to s) / ring lease' })
  .option('margin', { type: 'number', default: defaults.marginMs, describe: 'ms: the leader\'s signal fires this long before its lease can end' })
  .option('loss', { type: 'number', describe: 'fraction of datagrams lost: each ring member drops its own; ZooKeeper and etcd get it through proxies that delay a lost chunk as TCP would (default: 0.2 for ring, 0 for the others)' })
  .option('work', { type: 'number', default: defaults.workMs, describe: 'ms of work per payment besides the database' })
  .option('seed', { type: 'number', default: defaults.seed, describe: 'workload seed' })
  .option('chaos-seconds', { type: 'number', describe: 'stop killing and pausing after this long, then let the queue drain (default: never)' })
  .option('max-seconds', { type: 'number', default: defaults.maxSeconds, describe: 'give up (and fail) after this long' })
  .option('unfenced', { type: 'boolean', default: false, describe: 'TEST ONLY: replicas without the token check; the run must fail' })
  .option('keep', { type: 'boolean', default: false, describe: 'keep the temp dir (ledger, logs)' })
  .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
  .check((a) => {
    for (const k of ['replicas', 'payments', 'accounts', 'kill-every', 'lease', 'max-seconds'] as const) {
      if (!Number.isInteger(a[k]) || a[k] <= 0) throw new Error(`--${k} must be a positive integer`);
    }
    if (a.accounts < 2) throw new Error('--accounts must be at least 2');
    if (!Number.isInteger(a.margin) || a.margin < 0 || a.margin >= a.lease) throw new Error('--margin must be an integer number of ms in [0, --lease)');
    if (a.loss !== undefined && !(a.loss >= 0 && a.loss < 1)) throw new Error('--loss must be a fraction in [0, 1)');
    return true;
  })
  .strict()
  .fail((msg, err) => {
    console.error(`chaos: ${(err?.message ?? msg).replace(/\s*\n\s*/g, " ")}`);
    process.exit(2);
  })
  .parse();

const opts: ChaosOptions = {
  coordinator: argv.coordinator as CoordinatorKind, store: argv.store, replicas: argv.replicas, payments: argv.payments,
  accounts: argv.accounts, killEveryMs: argv['kill-every'], restartAfterMs: argv['restart-after'], pauses: argv.pauses,
  pauseEvery: Math.max(1, argv['pause-every']), firstPauseTick: Math.max(1, argv['first-pause']), leaseMs: argv.lease, marginMs: argv.margin,
  loss: argv.loss, workMs: argv.work, seed: argv.seed,
  unfenced: argv.unfenced, maxSeconds: argv['max-seconds'], chaosSeconds: argv['chaos-seconds'] ?? defaults.chaosSeconds, keep: argv.keep,
};

const fmtCpu = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The report, with the CPU of everything the run started (servers' start-up included), read once they have all exited. */
type Printed = ChaosReport & { cpuMs: number | null };

function print(r: Printed): void {
  const a = r.audit;
  const lines = [
    `chaos ${r.options.coordinator}${lossOf(r.options) > 0 ? ` (${Math.round(lossOf(r.options) * 100)} % loss)` : ''} on ${r.options.store}${r.options.unfenced ? ' (UNFENCED build)' : ''}: ${r.passed ? 'PASSED' : 'FAILED'}`,
    `  payments applied exactly once  ${a.appliedExactlyOnce}/${a.payments}${a.notApplied ? `, ${a.notApplied} never` : ''}${a.appliedMoreThanOnce ? `, ${a.appliedMoreThanOnce} twice or more` : ''}`,
    `  balances add up                ${a.balancesAddUp ? 'yes' : `NO (${a.accountsOff} accounts off, ${a.moneyCreated} cents created)`}`,
    `  stale-token writes refused     ${a.staleWritesRefused} (applied: ${a.staleWritesApplied}); duplicates refused ${a.duplicateWritesRefused}`,
    `  no replica processing (ms)     p50 ${a.gapMs.p50}  p99 ${a.gapMs.p99}  max ${a.gapMs.max}  over ${a.leaderChanges} leader changes`,
    `  chaos                          ${r.kills} leaders killed, ${r.pauses} paused (pause p50 ${r.pauseMs.p50} ms, max ${r.pauseMs.max} ms), ${r.terms} terms (ended: ${Object.entries(r.stepdowns).map(([k, v]) => `${k} ${v}`).join(', ') || 'all killed'})`,
    `  run                            ${(r.durationMs / 1000).toFixed(1)} s, ${r.throughput} payments/s; CPU: replicas ${fmtCpu(r.replicaCpuMs)}, everything ${fmtCpu(r.cpuMs)}`,
    ...r.failures.map((f) => `  FAIL: ${f}`),
    ...(r.dir ? [`  kept: ${r.dir}`] : []),
  ];
  console.log(lines.join('\n'));
}

try {
  const report: Printed = { ...await runChaos(opts, (line) => { if (!argv.json) console.error(line); }), cpuMs: selfAndChildrenCpuMs() };
  if (argv.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  process.exit(report.passed ? 0 : 1);
} catch (err) {
  if (err instanceof CoordinatorUnavailableError || err instanceof MissingPackageError || err instanceof EnsembleStartError) {
    console.error(`chaos: ${err.message}`);
    process.exit(3);
  }
  throw err;
}
