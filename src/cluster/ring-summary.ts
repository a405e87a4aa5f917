/**
 * A whole ring's outcome, built from every node's result: the verdict (node/verdict.ts) with the
 * counts a report shows. Shared by launch, sim, the bench and the soak; the CLI words it
 * (cli/summary.ts).
 */
import { messageBound } from '../core/bound.js';
import { ALGORITHMS } from '../core/algorithms.js';
import { MESSAGE_KINDS, type MessageKind } from '../core/types.js';
import { DROP_REASONS, type DropReason, type LinkCounts, total } from '../link/stats.js';
import { describeViolation, judge } from '../node/verdict.js';
import type { NodeResult } from '../node/result.js';
import type { Algorithm } from '../sim/algorithms.js';

/** A whole ring's outcome. */
export interface RingSummary {
  readonly n: number;
  readonly ids: readonly number[];
  readonly seed: number | null;
  readonly maxId: number;
  /** The leader every node named, or null if they differ or some never decided. */
  readonly leader: number | null;
  /** Every node decided on the same leader. */
  readonly agreed: boolean;
  readonly leaderIsMax: boolean;
  readonly leaders: number;
  readonly outcome: 'elected' | 'stalled' | 'wrong';
  readonly algorithm: Algorithm;
  /**
   * A node crashed (launch --kill) after it had decided: its decision counts, its result is
   * missing. If every other node decided too, the election finished, then the node was killed.
   */
  readonly killedAfterDecision: number | null;
  /** Messages per kind, and HS's bound 8n(1+ceil(log2 n))+n (shown for LCR runs too, for comparison). */
  readonly messages: Record<MessageKind, number> & { total: number; bound: number; withinBound: boolean };
  /**
   * MessageBound for the algorithm that ran (HS's bound, or LCR's n(n+1)/2+n). Over it is a wrong
   * result like two leaders: the core sends each message once and the link delivers it at most
   * once, so no schedule or fault can push a correct run past it.
   */
  readonly algorithmBound: { readonly formula: string; readonly bound: number; readonly withinBound: boolean };
  /** Why the outcome is 'wrong', one entry per violated property (named as in the spec); empty otherwise. */
  readonly violations: readonly string[];
  /** Every node's link counts summed, and datagrams sent per algorithm message. */
  readonly datagrams: LinkCounts & { perMessage: number };
  /** How many nodes started each phase (index = phase). */
  readonly phases: readonly number[];
  /** From start to the last node's decision, ms. */
  readonly electionMs: number | null;
  readonly elapsedMs: number;
  readonly stalls: readonly { id: number; reason: string; unreachable: readonly string[] }[];
}

/** A node that decided and was then killed: what it had decided. */
export interface DecidedThenKilled {
  readonly id: number;
  readonly leader: number;
  readonly isLeader: boolean;
}

/**
 * Aggregates node results; `ids` in ring order; `algorithm` picks the bound the run is held to.
 * `killed`: a node that crashed after it had decided (its decision stands).
 */
export function summarize(
  ids: readonly number[],
  seed: number | null,
  results: readonly NodeResult[],
  times: { electionMs: number | null; elapsedMs: number },
  algorithm: Algorithm = 'hs',
  killed?: DecidedThenKilled,
): RingSummary {
  const perKind = Object.fromEntries(
    MESSAGE_KINDS.map((k) => [k, results.reduce((s, r) => s + r.messages.sent[k], 0)]),
  ) as Record<MessageKind, number>;
  const messagesTotal = total(perKind);
  const bound = messageBound(ids.length);
  const entry = ALGORITHMS[algorithm];
  const algorithmBound = { formula: entry.boundFormula, bound: entry.messageBound(ids.length) };
  // The killed node's decision, as if it had finished: it had, as far as the election goes.
  const decisions = killed ? [...results, { ...killed, outcome: 'ok' as const }] : results;
  const verdict = judge(ids, decisions, messagesTotal, algorithmBound);
  const { maxId, leader, agreed, leaders, withinBound } = verdict;
  const violations = verdict.violations.map(describeViolation);
  const sum = (f: (r: NodeResult) => number) => results.reduce((s, r) => s + f(r), 0);
  let maxPhase = 0;
  for (const r of results) if (r.phases > maxPhase) maxPhase = r.phases;
  // How many nodes started phase k: those that reached more than k phases.
  const phases = Array.from({ length: maxPhase }, (_, k) => results.filter((r) => r.phases > k).length);
  const stalled = results.some((r) => r.outcome !== 'ok') || decisions.length < ids.length;
  const wrong = violations.length > 0;
  return {
    n: ids.length,
    ids,
    seed,
    maxId,
    leader,
    agreed,
    leaderIsMax: leader === maxId,
    leaders,
    outcome: wrong ? 'wrong' : stalled || !agreed ? 'stalled' : 'elected',
    algorithm,
    killedAfterDecision: killed?.id ?? null,
    messages: { ...perKind, total: messagesTotal, bound, withinBound: messagesTotal <= bound },
    algorithmBound: { ...algorithmBound, withinBound },
    violations,
    datagrams: {
      sent: sum((r) => r.datagrams.sent),
      received: sum((r) => r.datagrams.received),
      retransmissions: sum((r) => r.datagrams.retransmissions),
      pureAcks: sum((r) => r.datagrams.pureAcks),
      duplicates: sum((r) => r.datagrams.duplicates),
      abandoned: sum((r) => r.datagrams.abandoned),
      perMessage: messagesTotal === 0 ? 0 : round3(sum((r) => r.datagrams.sent) / messagesTotal),
      dropped: Object.fromEntries(DROP_REASONS.map((d) => [d, sum((r) => r.datagrams.dropped[d] ?? 0)])) as Record<
        DropReason,
        number
      >,
    },
    phases,
    electionMs: times.electionMs === null ? null : round3(times.electionMs),
    elapsedMs: round3(times.elapsedMs),
    stalls: results
      .filter((r) => r.stall)
      .map((r) => ({
        id: r.id,
        reason: r.stall!.reason,
        unreachable: r.stall!.unreachable.map((u) => `${u.side} neighbour ${u.address}`),
      })),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
