/**
 * The result one node reports (NodeResult) and its one builder, used alike by the UDP runtime
 * and both simulators, so a stall reads the same wherever it happened.
 */
import type { CoreState } from '../core/election-core.js';
import type { Direction } from '../core/types.js';
import type { DropReason } from '../link/stats.js';
import type { NodeStats } from './stats.js';

/** How a node's run ended. */
export type NodeOutcome = 'ok' | 'stalled';

/** The one-line JSON result every node reports; `hs-ring launch` aggregates these. */
export interface NodeResult {
  readonly id: number;
  readonly outcome: NodeOutcome;
  /** The leader this node decided on, or null if it never learnt one. */
  readonly leader: number | null;
  readonly isLeader: boolean;
  /** Phases this node started (its last phase + 1). */
  readonly phases: number;
  readonly messages: NodeStats['algorithm'];
  readonly datagrams: NodeStats['datagrams'];
  /** Start to decision, ms; null if undecided. */
  readonly decidedMs: number | null;
  /** Start to exit (after acknowledgements and linger), ms. */
  readonly elapsedMs: number;
  /**
   * Sides whose neighbour never acknowledged our final announcement and went silent: it exited
   * (it had the announcement) or crashed. The decision stands; only the delivery is unconfirmed.
   */
  readonly unconfirmed: readonly Direction[];
  /** For a stall: which neighbours did not acknowledge or were never heard from. */
  readonly stall?: {
    readonly reason: string;
    readonly unreachable: readonly Unreachable[];
  };
}

/** A neighbour a stalled node still waits on, or never heard from. */
export interface Unreachable {
  readonly side: Direction;
  readonly address: string;
  readonly unacked: number;
  readonly lastHeardMs: number | null;
}

/** What a link to one neighbour had unfinished when the node stopped. */
export interface SideDiagnosis {
  readonly unacked: number;
  readonly lastHeardMs: number | null;
}

/** Everything a result is built from. */
export interface ResultInput {
  readonly outcome: NodeOutcome;
  readonly state: CoreState;
  readonly lastPhase: number;
  readonly stats: NodeStats;
  readonly decidedMs: number | null;
  readonly elapsedMs: number;
  readonly unconfirmed: readonly Direction[];
  /** Per side, for a stall; a driver without links (ideal channels) gives none. */
  readonly diagnosis?: Readonly<Record<Direction, SideDiagnosis>>;
  /** The neighbour on a side, as the report names it (an address, or a simulated node). */
  readonly neighbour: (side: Direction) => string;
  /** When the node stopped, as the reason ends: "after 3000 ms", "at virtual time 12.5 ms". */
  readonly when: string;
  /** Applied to every time in the result (the runtime rounds to microseconds; simulators keep virtual time exact). */
  readonly time?: (ms: number) => number;
}

const asIs = (ms: number): number => ms;

/** Builds a node's result; a stalled node's reason speaks only of its own state. */
export function nodeResult(input: ResultInput): NodeResult {
  const { state, stats } = input;
  const time = input.time ?? asIs;
  const base: NodeResult = {
    id: state.id,
    outcome: input.outcome,
    leader: state.leader ?? null,
    isLeader: state.leader === state.id,
    phases: input.lastPhase + 1,
    messages: stats.algorithm,
    datagrams: stats.datagrams,
    decidedMs: input.decidedMs === null ? null : time(input.decidedMs),
    elapsedMs: time(input.elapsedMs),
    unconfirmed: input.unconfirmed,
  };
  if (input.outcome === 'ok') return base;
  const d = input.diagnosis;
  const unreachable: Unreachable[] = [];
  if (d) {
    for (const side of ['left', 'right'] as const) {
      const s = d[side];
      if (s.unacked === 0 && s.lastHeardMs !== null) continue;
      unreachable.push({ side, address: input.neighbour(side), unacked: s.unacked, lastHeardMs: s.lastHeardMs === null ? null : time(s.lastHeardMs) });
    }
  }
  return { ...base, stall: { reason: stallReason(state, d, input.when) + dropHint(stats.datagrams.dropped), unreachable } };
}

/**
 * The drops that explain a stall better than "unreachable": the neighbour's datagrams arrived but
 * were refused. Reasons in the order a reader should check them.
 */
const DROP_HINTS: readonly (readonly [DropReason, string])[] = [
  ['ring-mismatch', 'a neighbour was started from another ring file: give every member the same one'],
  ['stale', 'a neighbour restarted: its frames carry a session other than the one first heard'],
  ['unknown-sender', 'frames for a neighbour\'s link came from another address: do the nodes\' ring files or flags differ?'],
  ['version', 'a neighbour speaks another wire format version'],
  ['bad-mac', 'bad MAC: a neighbour has another key?'],
  ['no-mac', 'no MAC: a neighbour has no key?'],
  ['unexpected-mac', 'a MAC: a neighbour has a key, we have none'],
  ['unverified', 'a neighbour never proved its session'],
];

function dropHint(dropped: NodeStats['datagrams']['dropped']): string {
  const parts: string[] = [];
  for (const [reason, why] of DROP_HINTS) if (dropped[reason] > 0) parts.push(`${dropped[reason]} frames dropped as ${reason} (${why})`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** Why a node that has not finished stalled, from its own state alone. */
function stallReason(state: CoreState, d: ResultInput['diagnosis'], when: string): string {
  const leader = state.leader;
  if (leader === undefined) return `no leader known ${when}`;
  const unacked = d ? d.left.unacked + d.right.unacked : 0;
  if (unacked > 0) return `leader ${leader} known, but messages unacknowledged ${when}`;
  if (state.status !== 'done') return `leader ${leader}, its announcement not back yet ${when}`;
  return `leader ${leader} known, still lingering ${when}`;
}
