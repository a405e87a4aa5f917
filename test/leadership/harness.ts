/**
 * Random fault schedules for the leadership simulator, and a property runner that prints the
 * seed, the shrunk case and the command that replays it (HS_REPLAY=SEED:PATH).
 */
import fc from 'fast-check';
import { majority } from '../../src/core/leadership/epoch.js';
import { DEFAULT_TIMING } from '../../src/core/leadership/settings.js';
import type { LeadershipFault } from '../../src/sim/leadership/faults.js';
import { type LeadershipSimOptions, type LeadershipSimResult, simulateLeadership } from '../../src/sim/leadership/simulator.js';
import { PERSIST_STEPS } from '../../src/sim/leadership/store.js';

/** Cases per property: HS_DEEP=1 (npm run test:deep) raises it twentyfold. */
export const DEEP = process.env.HS_DEEP === '1';
export function runs(normal: number): number {
  return DEEP ? normal * 20 : normal;
}

/**
 * Per-member clock rates are drawn in [1 - rhoSim, 1 + rhoSim]; the ratio of two rates then
 * stays within 1 + rho (the spec's drift bound) when rhoSim <= rho / (2 + rho).
 */
export const RHO_WITHIN_BOUND = DEFAULT_TIMING.rho / (2 + DEFAULT_TIMING.rho);

/** One random schedule: members, network, clock rates and faults. Member numbers are taken mod N. */
export interface LeadershipCase {
  readonly ids: readonly number[];
  readonly seed: number;
  readonly lossPct: number;
  readonly duplicatePct: number;
  readonly delayMax: number;
  /** Per member, in thousandths of rhoSim: rate = 1 + drift / 1000 * rhoSim. */
  readonly drift: readonly number[];
  readonly faults: readonly LeadershipFault[];
}

/** Which faults a schedule may contain. */
export interface FaultMenu {
  /** Restarts without the state directory (voids OneLeaderPerEpoch, EpochsIncrease, fencing uniqueness). */
  readonly loseState?: boolean;
  /** Pauses that stop the clock, as a suspended VM (voids NoOverlappingLeases and EpochsIncrease). */
  readonly clockStops?: boolean;
  /** Crashes that never restart (at most a minority, for liveness). */
  readonly permanent?: boolean;
  readonly maxFaults?: number;
  /** Faults happen in [0, horizon] ms. */
  readonly horizon?: number;
  readonly maxMembers?: number;
  /** Only these kinds of fault (default: all). */
  readonly kinds?: readonly LeadershipFault['kind'][];
}

const member = fc.nat({ max: 8 });
const downFor = fc.integer({ min: 1, max: 1500 });

function faultArbitrary(menu: FaultMenu): fc.Arbitrary<LeadershipFault> {
  const at = fc.integer({ min: 0, max: menu.horizon ?? 4000 });
  const kinds: fc.Arbitrary<LeadershipFault>[] = [
    fc.record({ at, kind: fc.constant('crash' as const), member, downFor, ...(menu.loseState ? { loseState: fc.boolean() } : {}) }),
    fc.record({ at, kind: fc.constant('crashLeader' as const), downFor }),
    fc.record({ at, kind: fc.constant('crashInPersist' as const), member, after: fc.constantFrom(...PERSIST_STEPS), downFor }),
    fc.record({ at, kind: fc.constant('pause' as const), member, duration: fc.integer({ min: 1, max: 1500 }), clockStops: menu.clockStops ? fc.boolean() : fc.constant(false) }),
    fc.record({ at, kind: fc.constant('partition' as const), side: fc.uniqueArray(member, { minLength: 1, maxLength: 3 }), duration: fc.integer({ min: 1, max: 2000 }) }),
    fc.record({ at, kind: fc.constant('cut' as const), a: member, b: member, duration: fc.integer({ min: 1, max: 2000 }) }),
    fc.record({ at, kind: fc.constant('resign' as const), member }),
    fc.record({ at, kind: fc.constant('resignLeader' as const) }),
  ];
  if (menu.permanent) kinds.push(fc.record({ at, kind: fc.constant('crash' as const), member, downFor: fc.constant(Infinity) }));
  const allowed = menu.kinds;
  return fc.oneof(...(allowed ? kinds.filter((k) => allowed.includes(fc.sample(k, { numRuns: 1, seed: 0 })[0]!.kind)) : kinds));
}

export function caseArbitrary(menu: FaultMenu = {}): fc.Arbitrary<LeadershipCase> {
  return fc.record({
    ids: fc.uniqueArray(fc.nat({ max: 99 }), { minLength: 3, maxLength: menu.maxMembers ?? 5 }),
    seed: fc.integer(),
    lossPct: fc.integer({ min: 0, max: 30 }),
    duplicatePct: fc.integer({ min: 0, max: 20 }),
    delayMax: fc.integer({ min: 1, max: 40 }),
    drift: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 7, maxLength: 7 }),
    faults: fc.array(faultArbitrary(menu), { maxLength: menu.maxFaults ?? 8 }),
  });
}

/** The faults with member numbers taken mod N. */
export function faultsFor(c: LeadershipCase): LeadershipFault[] {
  const n = c.ids.length;
  return c.faults.map((f) => {
    if ('member' in f) return { ...f, member: f.member % n };
    if (f.kind === 'partition') return { ...f, side: [...new Set(f.side.map((m) => m % n))] };
    if (f.kind === 'cut') return { ...f, a: f.a % n, b: f.b % n };
    return f;
  });
}

/** Simulator options for case `c`, with clock rates within `rhoSim` (default: within the spec's bound). */
export function optionsFor(c: LeadershipCase, extra: Partial<LeadershipSimOptions> = {}, rhoSim = RHO_WITHIN_BOUND): LeadershipSimOptions {
  return {
    ids: c.ids,
    seed: c.seed,
    network: { loss: c.lossPct / 100, duplicate: c.duplicatePct / 100, delayMin: 0.1, delayMax: c.delayMax },
    rates: c.ids.map((_, m) => 1 + ((c.drift[m] ?? 0) / 1000) * rhoSim),
    faults: faultsFor(c),
    ...extra,
  };
}

export function runCase(c: LeadershipCase, extra: Partial<LeadershipSimOptions> = {}, rhoSim?: number): LeadershipSimResult {
  return simulateLeadership(optionsFor(c, extra, rhoSim));
}

/** Members that crash and never come back, in case `c`. */
export function permanentlyDown(c: LeadershipCase): number {
  return new Set(faultsFor(c).filter((f) => f.kind === 'crash' && !Number.isFinite(f.downFor)).map((f) => (f as { member: number }).member)).size;
}

/** The first violation of a run as one line, or undefined. */
export function firstViolation(r: LeadershipSimResult): string | undefined {
  const v = r.violations[0];
  return v && `${v.invariant} violated at ${v.at.toFixed(3)} ms: ${v.detail}`;
}

/** How long shrinking may go on after the first failure; then fast-check reports the smallest case so far. */
const SHRINK_BUDGET_MS = 20_000;

/**
 * Checks `property`; on failure throws fast-check's report (seed, path, shrunk case) and the
 * command that replays it. HS_REPLAY=SEED:PATH replays one case.
 */
export function assertLeadership<T>(name: string, property: fc.IProperty<T>, numRuns: number, seed?: number): void {
  const details = checkLeadership(property, numRuns, seed);
  if (!details.failed) return;
  throw new Error(
    [
      fc.defaultReportMessage(details) ?? `${name} failed`,
      '',
      `Violation: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
      `Replay: HS_REPLAY=${details.seed}:${details.counterexamplePath} npx ava dist/test/leadership/<this file>.test.js --match '*${name}*'`,
    ].join('\n'),
  );
}

/** Runs `property` (or the one case HS_REPLAY names) with a shrink budget; returns fast-check's details. */
export function checkLeadership<T>(property: fc.IProperty<T>, numRuns: number, seed?: number): fc.RunDetails<T> {
  const replay = process.env.HS_REPLAY;
  const params: fc.Parameters<T> = replay
    ? { seed: Number(replay.split(':')[0]), path: replay.slice(replay.indexOf(':') + 1), numRuns: 1, verbose: fc.VerbosityLevel.Verbose }
    : { numRuns, ...(seed !== undefined ? { seed } : {}) };
  let failedAt: number | undefined;
  const budgeted: fc.IProperty<T> = {
    isAsync: () => false,
    generate: (mrng, runId) => property.generate(mrng, runId),
    shrink: (value) => property.shrink(value),
    run: (v) => {
      if (failedAt !== undefined && performance.now() - failedAt >= SHRINK_BUDGET_MS) return null;
      const out = property.run(v);
      if (out !== null && !fc.PreconditionFailure.isFailure(out)) failedAt ??= performance.now();
      return out;
    },
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
  };
  return fc.check(budgeted, params);
}

/** The property that every run keeps every invariant the simulator checks (those its schedule does not void). */
export function keepsInvariants(arbitrary: fc.Arbitrary<LeadershipCase>, extra: Partial<LeadershipSimOptions> = {}, rhoSim?: number) {
  return fc.property(arbitrary, (c) => {
    const problem = firstViolation(runCase(c, extra, rhoSim));
    if (problem) throw new Error(problem);
  });
}

/** Liveness: once the faults of a schedule stop with a connected majority up, a leader is in office within livenessBound. */
export function reachesLeader(arbitrary: fc.Arbitrary<LeadershipCase>, extra: Partial<LeadershipSimOptions> = {}) {
  return fc.property(arbitrary, (c) => {
    fc.pre(c.ids.length - permanentlyDown(c) >= majority(c.ids.length));
    const r = runCase(c, extra);
    if (r.violations.length > 0) throw new Error(`${r.violations[0]!.invariant} violated: ${r.violations[0]!.detail}`);
    if (r.timeToLeader === null || r.timeToLeader > r.livenessBound) {
      throw new Error(`no leader in office ${r.livenessBound.toFixed(1)} ms after the faults stopped at ${r.faultsEnd} ms (first at ${r.timeToLeader})`);
    }
  });
}

/** A schedule whose ring marks some members vote-only (mask by rank); at least one member stays electable. */
export interface VoteOnlyCase {
  readonly c: LeadershipCase;
  readonly mask: readonly boolean[];
}

export function voteOnlyArbitrary(menu: FaultMenu = {}): fc.Arbitrary<VoteOnlyCase> {
  return fc.record({ c: caseArbitrary(menu), mask: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }) });
}

/** The ids of case `v` that are vote-only; if the mask covers every member, the first stays electable. */
export function voteOnlyIds(v: VoteOnlyCase): number[] {
  const ids = v.c.ids.filter((_, m) => v.mask[m]);
  return ids.length === v.c.ids.length ? ids.slice(1) : ids;
}

/** The property that a ring with vote-only members keeps every invariant and never has a vote-only member in office. */
export function keepsInvariantsVoteOnly(arbitrary: fc.Arbitrary<VoteOnlyCase>) {
  return fc.property(arbitrary, (v) => {
    const voteOnly = voteOnlyIds(v);
    const r = runCase(v.c, { voteOnly });
    const problem = firstViolation(r);
    if (problem) throw new Error(problem);
    const wrong = r.terms.find((term) => voteOnly.includes(term.member));
    if (wrong) throw new Error(`vote-only member ${wrong.member} took office in epoch ${wrong.epoch} at ${wrong.at.toFixed(3)} ms`);
  });
}
