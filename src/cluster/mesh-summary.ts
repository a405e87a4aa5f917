/**
 * The outcome of a mesh election (Bully, Raft-style) from its nodes' results, and the verdict
 * the algorithm's promises call for: one leader, known by every node; and, for an algorithm
 * that promises LeaderIsMaxLive, the maximum id. Mesh algorithms have no MessageBound verdict:
 * their leaders never stop heartbeating, so traffic grows with the time they run.
 */
import { type AlgorithmName, meshAlgorithm } from '../core/algorithms.js';
import type { MeshNodeResult } from '../node/mesh-result.js';

export interface MeshSummary {
  readonly topology: 'mesh';
  readonly algorithm: AlgorithmName;
  readonly n: number;
  readonly seed: number | null;
  readonly outcome: 'elected' | 'wrong' | 'stalled';
  /** The leader every node knows, or null. */
  readonly leader: number | null;
  readonly maxId: number;
  /** Nodes acting as leader when they stopped. */
  readonly leadersAtEnd: readonly number[];
  readonly violations: readonly string[];
  /** From the start to the last change of any node's known leader (ms on the observer's clock). */
  readonly electionMs: number | null;
  readonly elapsedMs: number;
  readonly messages: { readonly byKind: Record<string, number>; readonly election: number; readonly heartbeat: number; readonly total: number };
  readonly datagrams: { readonly sent: number; readonly retransmissions: number; readonly pureAcks: number; readonly abandoned: number };
}

/** Aggregates the results of the nodes `ids`; a node without a result makes the run stalled. */
export function summarizeMesh(
  ids: readonly number[],
  seed: number | null,
  results: readonly MeshNodeResult[],
  times: { electionMs: number | null; elapsedMs: number },
  algorithm: AlgorithmName,
): MeshSummary {
  const entry = meshAlgorithm(algorithm);
  const maxId = Math.max(...ids);
  const byKind: Record<string, number> = {};
  let election = 0;
  let heartbeat = 0;
  for (const r of results) {
    for (const [k, v] of Object.entries(r.messages.sent)) byKind[k] = (byKind[k] ?? 0) + v;
    election += r.messages.election;
    heartbeat += r.messages.heartbeat;
  }
  const sum = (f: (r: MeshNodeResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const leadersAtEnd = results.filter((r) => r.isLeader).map((r) => r.id);
  const known = new Set(results.map((r) => r.leader));
  const violations: string[] = [];
  if (leadersAtEnd.length > 1) violations.push(`AtMostOneLeader: ${leadersAtEnd.join(' and ')} all act as leader`);
  if (known.size > 1) violations.push(`Agreement: nodes know different leaders (${[...known].map(String).join(', ')})`);
  const leader = known.size === 1 ? [...known][0]! : null;
  if (entry.promises.includes('LeaderIsMaxLive') && leader !== null && leader !== maxId) violations.push(`LeaderIsMaxLive: leader ${leader}, maximum id ${maxId}`);
  const complete = results.length === ids.length && results.every((r) => r.outcome === 'ok');
  const outcome = violations.length > 0 && complete ? 'wrong' : complete && leader !== null && leadersAtEnd.length === 1 ? 'elected' : 'stalled';
  return {
    topology: 'mesh',
    algorithm,
    n: ids.length,
    seed,
    outcome,
    leader: outcome === 'elected' ? leader : null,
    maxId,
    leadersAtEnd,
    violations,
    electionMs: times.electionMs,
    elapsedMs: times.elapsedMs,
    messages: { byKind, election, heartbeat, total: election + heartbeat },
    datagrams: { sent: sum((r) => r.datagrams.sent), retransmissions: sum((r) => r.datagrams.retransmissions), pureAcks: sum((r) => r.datagrams.pureAcks), abandoned: sum((r) => r.datagrams.abandoned) },
  };
}

/** The human-readable report, as launch and run-ring.sh print it. */
export function formatMeshSummary(s: MeshSummary): string {
  const entry = meshAlgorithm(s.algorithm);
  const everyone = s.n === 1 ? 'by the only node' : `by all ${s.n} nodes`;
  const verdict =
    s.outcome === 'elected'
      ? `leader ${s.leader}${s.leader === s.maxId ? ' (the maximum id)' : ''}, agreed ${everyone}`
      : s.outcome === 'wrong'
        ? `WRONG RESULT: ${s.violations.join('; ')}`
        : `STALLED: no agreement on a leader (acting at the end: ${s.leadersAtEnd.join(', ') || 'none'})`;
  const kinds = Object.entries(s.messages.byKind).map(([k, v]) => `${k} ${v}`).join(', ');
  const d = s.datagrams;
  return [
    `${entry.title} on a full mesh of ${s.n}: ${verdict}`,
    `algorithm messages: ${s.messages.election} election, ${s.messages.heartbeat} heartbeat (${kinds})`,
    `datagrams: ${d.sent} sent, ${d.retransmissions} retransmissions, ${d.pureAcks} pure acks, ${d.abandoned} messages given up`,
    `election time: ${s.electionMs === null ? 'none' : `${s.electionMs.toFixed(1)} ms`} (to the last change of any node's leader); run ${s.elapsedMs.toFixed(0)} ms`,
    `promises: ${entry.promises.join(', ')} (assuming ${entry.assumption})`,
  ].join('\n');
}
