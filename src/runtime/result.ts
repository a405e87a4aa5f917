import type { Direction } from '../core/types.js';
import type { NodeStats } from '../node/stats.js';

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
    readonly unreachable: readonly { side: Direction; address: string; unacked: number; lastHeardMs: number | null }[];
  };
}
