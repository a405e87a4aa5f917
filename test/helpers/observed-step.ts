/**
 * One core step as the message-count check sees it, whoever drove the core (the simulator's trace
 * or the in-test driver): where it happened, what it received and sent, and whether that node had
 * already decided before the step.
 */
import type { TraceEvent } from '../../src/core/trace.js';
import type { Direction, Message } from '../../src/core/types.js';

export interface ObservedStep {
  /** Ring position of the node that took the step. */
  readonly position: number;
  readonly received?: { readonly from: Direction; readonly message: Message };
  readonly sent: readonly { readonly direction: Direction; readonly message: Message }[];
  /** The node had decided (named a leader) before this step. */
  readonly decidedBefore: boolean;
  /** The node has decided after this step. */
  readonly decidedAfter: boolean;
}

/** Collects a simulator's trace events as observed steps of the ring `ids`. */
export class TraceObserver {
  readonly steps: ObservedStep[] = [];
  private readonly position = new Map<number, number>();
  private readonly decided = new Set<number>();

  constructor(ids: readonly number[]) {
    ids.forEach((id, i) => this.position.set(id, i));
  }

  /** Pass as the simulator's `onTrace`. */
  readonly onTrace = (e: TraceEvent): void => {
    const position = this.position.get(e.node)!;
    const decidedBefore = this.decided.has(position);
    if (e.state.leader !== null) this.decided.add(position);
    this.steps.push({
      position,
      ...(e.from !== undefined && e.received !== undefined ? { received: { from: e.from, message: e.received } } : {}),
      sent: e.sent,
      decidedBefore,
      decidedAfter: this.decided.has(position),
    });
  };
}
