import { messageBound } from '../core/bound.js';
import { lcrMessageBound } from '../core/lcr.js';
import { MESSAGE_KINDS, type MessageKind } from '../core/types.js';
import { DROP_REASONS, type DropReason, total } from '../link/stats.js';
import type { NodeResult } from '../runtime/result.js';
import type { Algorithm } from '../sim/algorithms.js';

/** A whole ring's outcome, built from every node's result; shared by launch and sim. */
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
  readonly datagrams: {
    sent: number;
    received: number;
    retransmissions: number;
    pureAcks: number;
    duplicates: number;
    abandoned: number;
    perMessage: number;
    dropped: Record<DropReason, number>;
  };
  /** How many nodes started each phase (index = phase). */
  readonly phases: readonly number[];
  /** From start to the last node's decision, ms. */
  readonly electionMs: number | null;
  readonly elapsedMs: number;
  readonly stalls: readonly { id: number; reason: string; unreachable: readonly string[] }[];
}

/** Aggregates node results; `ids` in ring order; `algorithm` picks the bound the run is held to. */
export function summarize(
  ids: readonly number[],
  seed: number | null,
  results: readonly NodeResult[],
  times: { electionMs: number | null; elapsedMs: number },
  algorithm: Algorithm = 'hs',
): RingSummary {
  // Loops rather than Math.max(...xs): a spread of a million arguments overflows the stack.
  let maxId = -Infinity;
  for (const id of ids) if (id > maxId) maxId = id;
  const named = new Set(results.map((r) => r.leader));
  const agreed = results.length === ids.length && named.size === 1 && !named.has(null);
  const leader = agreed ? (results[0]?.leader ?? null) : null;
  const leaders = results.filter((r) => r.isLeader).length;
  const perKind = Object.fromEntries(
    MESSAGE_KINDS.map((k) => [k, results.reduce((s, r) => s + r.messages.sent[k], 0)]),
  ) as Record<MessageKind, number>;
  const messagesTotal = total(perKind);
  const bound = messageBound(ids.length);
  const sum = (f: (r: NodeResult) => number) => results.reduce((s, r) => s + f(r), 0);
  let maxPhase = 0;
  for (const r of results) if (r.phases > maxPhase) maxPhase = r.phases;
  // How many nodes started phase k: those that reached more than k phases.
  const phases = Array.from({ length: maxPhase }, (_, k) => results.filter((r) => r.phases > k).length);
  const stalled = results.some((r) => r.outcome !== 'ok') || results.length < ids.length;
  const algorithmBound =
    algorithm === 'lcr'
      ? { formula: 'n(n+1)/2+n', bound: lcrMessageBound(ids.length) }
      : { formula: '8n(1+ceil(log2 n))+n', bound };
  const withinBound = messagesTotal <= algorithmBound.bound;
  const violations: string[] = [];
  if (leaders > 1) violations.push(`AtMostOneLeader: ${leaders} nodes claim leadership`);
  if (leader !== null && leader !== maxId) violations.push(`LeaderIsMax: leader ${leader} is not the maximum id ${maxId}`);
  if (named.size > 1 && !named.has(null)) violations.push(`Agreement: nodes named ${named.size} different leaders (${[...named].slice(0, 5).join(', ')})`);
  if (!withinBound) {
    violations.push(`MessageBound: ${messagesTotal} algorithm messages, above ${algorithmBound.formula} = ${algorithmBound.bound}`);
  }
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

/** The human-readable report printed by run-ring.sh, launch and sim. */
export function formatSummary(s: RingSummary): string {
  const lines: string[] = [];
  const verdict =
    s.outcome === 'elected'
      ? `leader ${s.leader} (the maximum id), agreed by all ${s.n} nodes`
      : s.outcome === 'wrong'
        ? `WRONG RESULT: ${s.violations.join('; ')} (${describeLeaders(s)}; maximum id ${s.maxId})`
        : `STALLED: no agreement on a leader (${describeLeaders(s)})`;
  lines.push(verdict);
  const m = s.messages;
  lines.push(
    `algorithm messages: ${m.total} (probe ${m.probe}, reply ${m.reply}, announcement ${m.announcement}); ` +
      `bound 8n(1+ceil(log2 n))+n = ${m.bound}: ${m.withinBound ? 'within' : 'EXCEEDED'} (${pct(m.total, m.bound)} of it)`,
  );
  const d = s.datagrams;
  lines.push(
    `datagrams: ${d.sent} sent (${d.perMessage} per algorithm message), ${d.retransmissions} retransmissions, ` +
      `${d.pureAcks} pure acks, ${d.duplicates} duplicates received` +
      (total(d.dropped) > 0 ? `, ${total(d.dropped)} dropped (${describeDrops(d.dropped)})` : ''),
  );
  lines.push(`phases: ${s.phases.map((c, k) => `${k}:${c}`).join(' ')} (nodes that started each phase)`);
  lines.push(
    `time: ${s.electionMs === null ? 'undecided' : `${s.electionMs} ms to the last decision`}, ${s.elapsedMs} ms in all`,
  );
  for (const st of s.stalls) {
    lines.push(`node ${st.id}: ${st.reason}${st.unreachable.length ? `; unreachable: ${st.unreachable.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

function describeLeaders(s: RingSummary): string {
  return `${s.leaders} leader(s), ${s.agreed ? 'agreed' : 'not agreed'}`;
}

function describeDrops(d: Record<string, number>): string {
  return Object.entries(d)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
