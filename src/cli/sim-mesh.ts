/**
 * `hs-ring sim --algorithm bully|raft`: a mesh algorithm on the full-mesh simulator, in virtual
 * time, with the outside observer checking the step properties on every event. Its leaders never
 * stop heartbeating, so "done" is the first instant every live node knows one leader that alone
 * acts; the run goes on to the time limit so safety is checked past that instant too. The verdict
 * holds the algorithm to the properties it promises (the registry's entry); the ones it does not
 * promise are reported, not judged. MessageBound does not apply: traffic grows with the run.
 */
import { performance } from 'node:perf_hooks';
import { type AlgorithmName, SIM_MESH_TIMING, meshAlgorithm } from '../core/algorithms.js';
import { parseIdList, randomIds } from '../config/ids.js';
import { InvalidConfigError } from '../errors.js';
import { type MeshNetwork, simulateMesh } from '../sim/mesh/mesh-simulator.js';
import { EXIT } from './exit-codes.js';
import { parseDelayFlag } from './fault-options.js';

/** Virtual time a mesh run lasts unless --time-limit says otherwise. */
const DEFAULT_LIMIT_MS = 5000;

export interface MeshSimArgs {
  n?: number;
  ids?: string;
  seed?: number;
  algorithm: AlgorithmName;
  loss: number;
  dup: number;
  delay: string;
  json: boolean;
  'time-limit'?: number;
}

/** Runs the mesh simulation the flags describe, prints its report and sets the exit code. */
export function runMeshSim(argv: MeshSimArgs, limitMs: number | undefined): void {
  const entry = meshAlgorithm(argv.algorithm);
  if (argv.seed !== undefined && !(Number.isInteger(argv.seed) && argv.seed >= 0 && argv.seed < 2 ** 32)) {
    throw new InvalidConfigError(`--seed must be an integer in 0..2^32-1, got ${argv.seed}`);
  }
  const seed = argv.seed ?? Math.floor(Math.random() * 2 ** 31);
  let ids: number[];
  if (argv.ids !== undefined) {
    ids = parseIdList(String(argv.ids));
    if (argv.n !== undefined && argv.n !== ids.length) throw new InvalidConfigError(`-n ${argv.n} but --ids lists ${ids.length} ids`);
  } else {
    const n = argv.n ?? 8;
    if (!Number.isInteger(n) || n < 1) throw new InvalidConfigError(`-n must be a positive integer, got ${n}`);
    ids = randomIds(n, seed);
  }
  if (ids.length > 1024) throw new InvalidConfigError(`a full mesh of ${ids.length} is more than sim runs (at most 1024: n² links)`);
  if (!(argv.loss >= 0 && argv.loss < 1)) throw new InvalidConfigError(`--loss must be in [0, 1), got ${argv.loss}`);
  if (!(argv.dup >= 0 && argv.dup < 1)) throw new InvalidConfigError(`--dup must be in [0, 1), got ${argv.dup}`);
  const [minDelay, maxDelay] = parseDelayFlag(String(argv.delay));
  const network: MeshNetwork = { loss: argv.loss, duplicate: argv.dup, minDelay, maxDelay };
  const until = limitMs ?? DEFAULT_LIMIT_MS;
  const wallStart = performance.now();
  const r = simulateMesh({ algorithm: entry.algorithm(SIM_MESH_TIMING), ids, seed, network, until });
  const wallMs = performance.now() - wallStart;
  const broken = r.violations.filter((v) => entry.promises.includes(v.property));
  const notPromised = r.violations.filter((v) => !entry.promises.includes(v.property));
  const outcome = broken.length > 0 ? 'wrong' : r.firstSettledAt !== null && r.settled !== null ? 'elected' : 'stalled';
  const summary = {
    topology: 'mesh',
    algorithm: argv.algorithm,
    n: ids.length,
    seed,
    ids,
    network,
    outcome,
    leader: r.settled?.leader ?? null,
    maxId: Math.max(...ids),
    electionMs: r.firstSettledAt,
    promises: entry.promises,
    violations: broken,
    notPromised,
    maxLeadersAtOnce: r.maxLeadersAtOnce,
    messages: { toElection: r.toFirstSettlement, wholeRun: { byKind: r.messages.byKind, election: r.messages.election, heartbeat: r.messages.heartbeat }, lost: r.messages.lost },
    ...(entry.messageBound && r.toFirstSettlement
      ? { electionBound: { formula: entry.boundFormula, bound: entry.messageBound(ids.length), election: r.toFirstSettlement.election } }
      : {}),
    simulation: { untilMs: until, events: r.events, wallMs: Math.round(wallMs) },
  };
  if (argv.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    const lines = [
      `sim: ${entry.title} on a full mesh of ${ids.length}, seed ${seed}; network: loss ${network.loss}, dup ${network.duplicate}, delay ${minDelay}-${maxDelay} ms; ${until} virtual ms`,
      outcome === 'elected'
        ? `leader ${summary.leader}${summary.leader === summary.maxId ? ' (the maximum id)' : ''}, known by every live node at ${r.firstSettledAt} virtual ms` +
          (r.settled && r.settled.leader !== null && r.settled.since !== r.firstSettledAt ? `; in office since ${r.settled.since} ms at the end` : '')
        : outcome === 'wrong'
          ? `WRONG RESULT: ${broken.map((v) => `${v.property} at ${v.at} ms: ${v.detail}`).join('; ')}`
          : 'STALLED: the live nodes never all knew one acting leader',
      r.toFirstSettlement
        ? `messages to that point: ${r.toFirstSettlement.election} election, ${r.toFirstSettlement.heartbeat} heartbeat` +
          (summary.electionBound ? ` (bound ${summary.electionBound.formula} = ${summary.electionBound.bound})` : '')
        : 'messages: no election finished',
      `whole run: ${r.messages.election} election and ${r.messages.heartbeat} heartbeat messages, ${r.messages.lost} lost; at most ${r.maxLeadersAtOnce} acting leader(s) at once`,
      `promised, checked on every step: ${entry.promises.join(', ')} (assuming ${entry.assumption})` +
        (notPromised.length > 0 ? `; not promised and broken here: ${notPromised.map((v) => `${v.property} at ${v.at} ms`).join(', ')}` : ''),
      `simulated: ${r.events} events; ${(wallMs / 1000).toFixed(2)} s wall`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  process.exitCode = outcome === 'elected' ? EXIT.ok : outcome === 'wrong' ? EXIT.wrongResult : EXIT.stalled;
}
