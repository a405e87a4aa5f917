/**
 * Generated scenarios for the Bully and Raft-style properties: members, a network, faults, and
 * the run that simulates them, plus the check helper that prints seed and shrunk case.
 */
import fc from 'fast-check';
import type { MeshAlgorithm } from '../../src/core/mesh-core.js';
import { type MeshFault, type MeshNetwork, type MeshSimResult, simulateMesh } from '../../src/sim/mesh/mesh-simulator.js';
import { runs } from '../properties/harness.js';

export { runs };

/** A fault as generated: nodes by index into the ids (so shrinking ids keeps faults valid), times in ms. */
export type FaultSpec =
  | { readonly at: number; readonly type: 'crash' | 'restart'; readonly node: number }
  | { readonly at: number; readonly type: 'partition'; readonly mask: number }
  | { readonly at: number; readonly type: 'heal' };

export interface MeshCase {
  readonly ids: readonly number[];
  readonly seed: number;
  readonly network: MeshNetwork;
  readonly faults: readonly FaultSpec[];
}

/** Faults fall in [0, FAULT_WINDOW); the network is stable (partial synchrony's GST) from then on. */
export const FAULT_WINDOW = 2000;

export const ids = (min = 1, max = 7) => fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: min, maxLength: max });

const at = fc.integer({ min: 0, max: FAULT_WINDOW - 1 });
const node = fc.nat({ max: 6 });

export const crashFault: fc.Arbitrary<FaultSpec> = fc.record({ at, type: fc.constant('crash' as const), node });
export const restartFault: fc.Arbitrary<FaultSpec> = fc.record({ at, type: fc.constant('restart' as const), node });
export const partitionFault: fc.Arbitrary<FaultSpec> = fc.record({ at, type: fc.constant('partition' as const), mask: fc.nat({ max: 127 }) });
export const healFault: fc.Arbitrary<FaultSpec> = fc.record({ at, type: fc.constant('heal' as const) });

/** Within Bully's delay bound, no loss: the network under which its failure detector is accurate. */
export const SYNCHRONOUS: MeshNetwork = { loss: 0, duplicate: 0, minDelay: 1, maxDelay: 10 };

/** Loses, duplicates, reorders, and delays past every timeout. */
export const unreliable: fc.Arbitrary<MeshNetwork> = fc.record({
  loss: fc.double({ min: 0, max: 0.4, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  minDelay: fc.constant(1),
  maxDelay: fc.integer({ min: 1, max: 400 }),
});

export function meshCase(o: { ids?: fc.Arbitrary<number[]>; network?: fc.Arbitrary<MeshNetwork>; faults?: fc.Arbitrary<FaultSpec>; maxFaults?: number }): fc.Arbitrary<MeshCase> {
  return fc.record({
    ids: o.ids ?? ids(),
    seed: fc.nat(),
    network: o.network ?? fc.constant(SYNCHRONOUS),
    faults: o.faults ? fc.array(o.faults, { maxLength: o.maxFaults ?? 4 }) : fc.constant([]),
  });
}

/** The faults of `c` on its ids, sorted by time; a partition's mask picks one side. */
export function faultsOf(c: MeshCase): MeshFault[] {
  const n = c.ids.length;
  const out: MeshFault[] = [];
  for (const f of c.faults) {
    if (f.type === 'crash' || f.type === 'restart') out.push({ at: f.at, type: f.type, node: c.ids[f.node % n]! });
    else if (f.type === 'partition') out.push({ at: f.at, type: 'partition', groups: [c.ids.filter((_, i) => (f.mask >> i) & 1)] });
    else out.push({ at: f.at, type: 'heal' });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Which ids are down once every fault of `faults` has happened. */
export function downAtEnd(faults: readonly MeshFault[]): Set<number> {
  const down = new Set<number>();
  for (const f of faults) {
    if (f.type === 'crash') down.add(f.node);
    else if (f.type === 'restart') down.delete(f.node);
  }
  return down;
}

export interface RunOptions {
  /** Heal at the end of the fault window (for "eventually" properties). */
  readonly healAtStable?: boolean;
  /** Restart crashed nodes at the end of the fault window until a majority is up (Raft needs one). */
  readonly majorityAtStable?: boolean;
  /** How long the run goes on after the fault window. */
  readonly settleFor?: number;
}

export function runMesh<M extends { readonly kind: string }, S, T extends string>(
  algorithm: MeshAlgorithm<M, S, T>,
  c: MeshCase,
  o: RunOptions = {},
): MeshSimResult {
  const faults = faultsOf(c);
  if (o.healAtStable) faults.push({ at: FAULT_WINDOW, type: 'heal' });
  if (o.majorityAtStable) {
    const down = downAtEnd(faults);
    const majority = Math.floor(c.ids.length / 2) + 1;
    for (const id of c.ids) {
      if (c.ids.length - down.size >= majority) break;
      if (down.delete(id)) faults.push({ at: FAULT_WINDOW, type: 'restart', node: id });
    }
  }
  return simulateMesh({
    algorithm,
    ids: c.ids,
    seed: c.seed,
    network: c.network,
    faults,
    stableAfter: FAULT_WINDOW,
    stableDelay: SYNCHRONOUS.maxDelay,
    until: FAULT_WINDOW + (o.settleFor ?? 3000),
  });
}

/** Runs `property`; on failure throws fast-check's report: seed, path and shrunk case. */
export function holds<T>(property: fc.IProperty<T>, numRuns: number, seed?: number): void {
  const details = fc.check(property, { numRuns, ...(seed === undefined ? {} : { seed }) });
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
}

/**
 * Runs a property that must FAIL (a promise the algorithm does not make); returns the report
 * (seed, path, shrunk case) and the shrunk case, or throws if no counterexample was found.
 */
export function counterexample<T>(property: fc.IProperty<[T]>, numRuns: number, seed: number): { report: string; example: T; error: string } {
  const details = fc.check(property, { numRuns, seed });
  if (!details.failed) throw new Error(`no counterexample in ${numRuns} runs (seed ${seed})`);
  return { report: fc.defaultReportMessage(details) ?? '', example: details.counterexample![0], error: String(details.errorInstance) };
}
