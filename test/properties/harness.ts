/** The property harness: run counts (normal or deep), the outcome of a simulated case and how a failure is reported with its seed. */
import fc from 'fast-check';
import { messageBound } from '../../src/core/bound.js';
import type { CoreFactory } from '../../src/core/election-core.js';
import { lcrMessageBound } from '../../src/core/lcr.js';
import type { LinkMode } from '../../src/sim/link-mode.js';
import { type VerdictProperty, judge } from '../../src/node/verdict.js';
import { type SimCase, simCaseArbitrary } from './cases.js';
import { simCommandFor, simOptionsFor } from '../../src/sim/sim-case.js';
import { type SimResult, simulate } from '../../src/sim/simulator.js';

/** Cases per property: HS_DEEP=1 (npm run test:deep) raises it twentyfold. */
export const DEEP = process.env.HS_DEEP === '1';
export function runs(normal: number): number {
  return DEEP ? normal * 20 : normal;
}

/** One simulated election and the facts the properties look at. */
export interface Outcome {
  readonly c: SimCase;
  readonly ring: readonly number[];
  readonly run: SimResult;
  readonly leaders: number;
  readonly named: ReadonlySet<number>;
  readonly decided: number;
  readonly messages: number;
}

/** The naive reference every run is compared with: the leader is the largest id. */
export function referenceLeader(ids: readonly number[]): number {
  let max = -1;
  for (const id of ids) if (id > max) max = id;
  return max;
}

/** Runs case `c` (with `core` instead of the case's algorithm, if given) over the full link or ideal channels. */
export function runCase(c: SimCase, core?: CoreFactory, linkMode: LinkMode = 'full'): Outcome {
  const options = simOptionsFor(c, linkMode);
  const run = simulate(core ? { ...options, core } : options);
  let leaders = 0;
  let decided = 0;
  let messages = 0;
  const named = new Set<number>();
  for (const r of run.results) {
    if (r.isLeader) leaders += 1;
    if (r.leader !== null) {
      decided += 1;
      named.add(r.leader);
    }
    messages += r.messages.sent.probe + r.messages.sent.reply + r.messages.sent.announcement;
  }
  return { c, ring: options.ids, run, leaders, named, decided, messages };
}

/** The verdict of src/node/verdict.ts on an outcome: the one definition the CLI and the bench use too. */
function verdictOf(o: Outcome) {
  const n = o.ring.length;
  const bound = o.c.algorithm === 'lcr' ? { formula: 'n(n+1)/2+n', bound: lcrMessageBound(n) } : { formula: '8n(1+ceil(log2 n))+n', bound: messageBound(n) };
  return judge(o.ring, o.run.results, o.messages, bound);
}

/** The violation of `property` in `o`, if any. */
function judged(property: VerdictProperty): (o: Outcome) => string | undefined {
  return (o) => verdictOf(o).violations.find((v) => v.property === property)?.detail;
}

/** The invariants, named as in the TLA+ spec; each returns a failure description or undefined. */
export const INVARIANTS = {
  AtMostOneLeader: judged('AtMostOneLeader'),
  LeaderIsMax: judged('LeaderIsMax'),
  Agreement: judged('Agreement'),
  // Liveness is the harness's own: a simulated run can tell what is still in flight, a report cannot.
  Termination: (o: Outcome) => {
    const n = o.ring.length;
    if (o.decided !== n) return `${n - o.decided} of ${n} nodes never decided`;
    const stalled = o.run.results.filter((r) => r.outcome !== 'ok').length;
    if (stalled > 0) return `${stalled} nodes never exited`;
    const f = o.run.inFlight;
    if (f.datagrams > 0 || f.unacknowledged > 0 || o.run.timedOut) {
      return `left in flight: ${f.datagrams} datagrams, ${f.unacknowledged} unacknowledged messages`;
    }
    if ([...o.named][0] !== referenceLeader(o.ring)) return 'terminated without electing the maximum id';
    return undefined;
  },
  MessageBound: judged('MessageBound'),
} as const;
export type InvariantName = keyof typeof INVARIANTS;

/** The first invariant `o` violates, as "Name violated: why", or undefined if it keeps them all. */
export function violation(o: Outcome): string | undefined {
  for (const name of Object.keys(INVARIANTS) as InvariantName[]) {
    const problem = INVARIANTS[name](o);
    if (problem !== undefined) return `${name} violated: ${problem}`;
  }
  return undefined;
}

/** A property over simulated cases: `invariant` must hold on every case. */
export function simProperty(invariant: InvariantName, arbitrary: fc.Arbitrary<SimCase> = simCaseArbitrary, core?: CoreFactory) {
  return fc.property(arbitrary, (c) => {
    const problem = INVARIANTS[invariant](runCase(c, core));
    if (problem !== undefined) throw new Error(`${invariant} violated: ${problem}`);
  });
}

/**
 * How long shrinking may go on after the first failing case. Then every further case passes
 * unchecked, so fast-check stops and reports the smallest failure found so far, with the seed and
 * path that replay it. Unbounded, shrinking one failure (a 53-node ring of 53-bit ids) outlasted
 * ava's 2-minute timeout, which then printed neither seed nor case: nothing to replay.
 */
export const SHRINK_BUDGET_MS = 20_000;

/** `property`, with shrinking cut off SHRINK_BUDGET_MS after its first failure (sync or async). */
export function withShrinkBudget<T, A extends boolean>(property: fc.IRawProperty<T, A>, budgetMs = SHRINK_BUDGET_MS): fc.IRawProperty<T, A> {
  let failedAt: number | undefined;
  const note = (out: fc.PreconditionFailure | fc.PropertyFailure | null) => {
    if (out !== null && !fc.PreconditionFailure.isFailure(out)) failedAt ??= performance.now();
    return out;
  };
  const run = (v: T) => {
    if (failedAt !== undefined && performance.now() - failedAt >= budgetMs) return (property.isAsync() ? Promise.resolve(null) : null) as ReturnType<typeof property.run>;
    const out = property.run(v);
    return (out instanceof Promise ? out.then(note) : note(out as fc.PreconditionFailure | fc.PropertyFailure | null)) as ReturnType<typeof property.run>;
  };
  return {
    isAsync: () => property.isAsync(),
    generate: (mrng, runId) => property.generate(mrng, runId),
    shrink: (value) => property.shrink(value),
    run,
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
}

/**
 * Checks a property; on failure throws fast-check's report (seed, path, shrunk case) followed by
 * the commands that replay it. HS_REPLAY=SEED:PATH replays one case through this same helper;
 * `hs-ring sim --replay SEED:PATH` does too when the property drew from simCaseArbitrary
 * (`replayable`).
 */
export function assertProperty<T>(
  name: string,
  property: fc.IProperty<T>,
  numRuns: number,
  replayable = true,
  extra: fc.Parameters<T> = {},
  linkMode: LinkMode = 'full',
): void {
  const replay = process.env.HS_REPLAY;
  const params: fc.Parameters<T> = replay
    ? { seed: Number(replay.split(':')[0]), path: replay.slice(replay.indexOf(':') + 1), numRuns: 1, verbose: fc.VerbosityLevel.Verbose }
    : { numRuns, ...extra };
  const details = fc.check(withShrinkBudget(property) as fc.IProperty<T>, params);
  if (!details.failed) return;
  const lines = [fc.defaultReportMessage(details) ?? `${name} failed`, ''];
  lines.push(`Replay ${name}: HS_REPLAY=${details.seed}:${details.counterexamplePath} npx ava <this test file> --match '*${name}*'`);
  const example = (details.counterexample as unknown as unknown[] | null)?.[0] as SimCase | undefined;
  if (replayable) lines.push(`or: node dist/src/cli/main.js sim --replay ${details.seed}:${details.counterexamplePath}`);
  if (example !== undefined && 'network' in example) lines.push(`the shrunk case as a command: ${simCommandFor(example, linkMode === 'ideal')}`);
  throw new Error(lines.join('\n'));
}
