/** Trace events: one JSON object per core step, in the TLA+ spec's names. */
import type { Action, Direction, Message, Status } from './types.js';
import type { CoreState } from './election-core.js';
import type { Step } from './types.js';

/**
 * One core transition as written to a trace (one JSON object per line). `action` is the TLA+
 * action name; `state` is the node's state after the step, so a checker can compare it with the
 * spec's variables.
 */
export interface TraceEvent {
  /** Virtual or wall-clock milliseconds since the run began; ordering only, not checked. */
  readonly t: number;
  readonly node: number;
  readonly action: Action;
  /** Side the input message arrived on; absent for Start. */
  readonly from?: Direction;
  readonly received?: Message;
  readonly sent: readonly { readonly direction: Direction; readonly message: Message }[];
  readonly state: {
    readonly status: Status;
    readonly phase: number;
    readonly leader: number | null;
  };
}

/** Builds the trace event for a core step; pure, so the simulator and UDP runtime share it. */
export function traceEvent(
  t: number,
  after: CoreState,
  step: Step,
  input?: { from: Direction; message: Message },
): TraceEvent {
  const sent = [];
  for (const c of step.commands) if (c.type === 'send') sent.push({ direction: c.direction, message: c.message });
  return {
    t,
    node: after.id,
    action: step.action,
    ...(input ? { from: input.from, received: input.message } : {}),
    sent,
    state: { status: after.status, phase: after.phase, leader: after.leader ?? null },
  };
}
