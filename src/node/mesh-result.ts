/** The result one mesh node reports (Bully, Raft-style), built alike by the UDP runtime and tests. */
import type { LinkCounts } from '../link/stats.js';
import type { MeshMessageCounts, MeshNode } from './mesh-node.js';

export interface MeshNodeResult {
  readonly id: number;
  /** ok: the same leader held for the settle time; stalled: the timeout came first. */
  readonly outcome: 'ok' | 'stalled';
  /** The leader the node settled on (or, stalled, the one it knew when it stopped), or null. */
  readonly leader: number | null;
  readonly isLeader: boolean;
  /** Start to the last change of the known leader, ms; null if no leader was ever known. */
  readonly decidedMs: number | null;
  /** Start to the end of the run, ms. */
  readonly elapsedMs: number;
  /** How often the known leader changed (a follower that saw two claimants counts 2). */
  readonly leaderChanges: number;
  readonly messages: MeshMessageCounts;
  readonly datagrams: LinkCounts;
}

/** The result of `node` stopped at `elapsedMs` with `outcome`. */
export function meshNodeResult(node: MeshNode, outcome: 'ok' | 'stalled', elapsedMs: number, time: (ms: number) => number = (x) => x): MeshNodeResult {
  const known = node.knownLeader();
  return {
    id: node.id,
    outcome,
    leader: known.leader,
    isLeader: known.isLeader,
    decidedMs: known.leader === null ? null : time(known.sinceMs),
    elapsedMs: time(elapsedMs),
    leaderChanges: node.leaderChanges.filter((c) => c.leader !== null).length,
    messages: node.messages,
    datagrams: node.counts,
  };
}
