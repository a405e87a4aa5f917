/**
 * The verdict on one election: which of the spec's safety properties a run kept, from what its
 * nodes reported. One definition for the CLI's summaries (launch, sim), the bench and the
 * property tests, named as in the TLA+ spec (spec/, tla/). Pure: no I/O, no clock.
 */

/** The properties judged here, in the order violations are reported. */
export const VERDICT_PROPERTIES = ['AtMostOneLeader', 'LeaderIsMax', 'Agreement', 'MessageBound'] as const;
export type VerdictProperty = (typeof VERDICT_PROPERTIES)[number];

/** What the verdict needs of one node's report (a NodeResult has all of it). */
export interface Decision {
  readonly id: number;
  /** The leader this node decided on, or null if it never learnt one. */
  readonly leader: number | null;
  readonly isLeader: boolean;
  /** 'ok': the node finished (for the leader: its announcement came all the way round). */
  readonly outcome: 'ok' | 'stalled';
}

/** The message bound a run is held to: the one of the algorithm that ran. */
export interface MessageBoundOf {
  readonly formula: string;
  readonly bound: number;
}

export interface Violation {
  readonly property: VerdictProperty;
  readonly detail: string;
}

export interface Verdict {
  readonly maxId: number;
  /** The distinct leaders nodes named, in the order first named. */
  readonly named: readonly number[];
  /** Nodes that claim leadership. */
  readonly leaders: number;
  /** Nodes that reported a leader. */
  readonly decided: number;
  /** Every node of the ring reported, and all named the same leader. */
  readonly agreed: boolean;
  /** The leader all agreed on, else null. */
  readonly leader: number | null;
  readonly withinBound: boolean;
  /** Every property the run violated (empty: it kept them all). */
  readonly violations: readonly Violation[];
}

/**
 * Judges a run of the ring `ids` (every member, in ring order) from the `decisions` of the nodes
 * that reported (a crashed node reports nothing) and the algorithm `messages` they sent in all.
 * - AtMostOneLeader: at most one node claims leadership.
 * - LeaderIsMax: every leader named is the maximum id.
 * - Agreement: no two nodes name different leaders, and once the leader is done (its
 *   announcement came back round) every node that reported has decided.
 * - MessageBound: at most `bound.bound` algorithm messages; the core sends each message once and
 *   the link delivers it at most once, so no schedule or fault can push a correct run past it.
 * Stalls are not violations: whether a run finished is the caller's to say.
 */
export function judge(ids: readonly number[], decisions: readonly Decision[], messages: number, bound: MessageBoundOf): Verdict {
  // A loop rather than Math.max(...ids): a spread of a million arguments overflows the stack.
  let maxId = -Infinity;
  for (const id of ids) if (id > maxId) maxId = id;
  const named: number[] = [];
  let leaders = 0;
  let decided = 0;
  let leaderDone: number | null = null;
  for (const d of decisions) {
    if (d.isLeader) leaders += 1;
    if (d.isLeader && d.outcome === 'ok') leaderDone = d.id;
    if (d.leader === null) continue;
    decided += 1;
    if (!named.includes(d.leader)) named.push(d.leader);
  }
  const agreed = decisions.length === ids.length && decided === ids.length && named.length === 1;
  const violations: Violation[] = [];
  if (leaders > 1) violations.push({ property: 'AtMostOneLeader', detail: `${leaders} nodes claim leadership` });
  const wrong = named.filter((l) => l !== maxId);
  if (wrong.length > 0) violations.push({ property: 'LeaderIsMax', detail: `leader ${wrong.slice(0, 5).join(', ')} named, but the maximum id is ${maxId}` });
  if (named.length > 1) {
    violations.push({ property: 'Agreement', detail: `nodes named ${named.length} different leaders (${named.slice(0, 5).join(', ')})` });
  } else if (leaderDone !== null && decided < decisions.length) {
    violations.push({ property: 'Agreement', detail: `leader ${leaderDone} is done, but ${decisions.length - decided} nodes never decided` });
  }
  const withinBound = messages <= bound.bound;
  if (!withinBound) violations.push({ property: 'MessageBound', detail: `${messages} algorithm messages, above ${bound.formula} = ${bound.bound}` });
  return { maxId, named, leaders, decided, agreed, leader: agreed ? named[0]! : null, withinBound, violations };
}

/** "Property: detail", as reports and test failures print a violation. */
export function describeViolation(v: Violation): string {
  return `${v.property}: ${v.detail}`;
}
