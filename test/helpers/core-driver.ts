/**
 * A tiny driver over the pure cores with any delivery order: every start and every message gets a
 * delay taken from `delays`, unbounded, so a property reaches schedules no bounded network delay
 * produces (a message overtaken by a whole election, a node starting last). Channels are
 * exactly-once, as the reliable link provides, unless `replay` asks for a second copy of some
 * messages; a message for a node not yet started waits until it starts, as the link holds it.
 * A `misusing` driver also starts every node a second time, later, and hands a node its messages
 * before its start: a correct core refuses both with a CoreUsageError (the message is then held
 * as above), so the run's messages are those of a correct driver.
 */
import type { ElectionCore } from '../../src/core/election-core.js';
import type { Direction, Message, Step } from '../../src/core/types.js';
import type { ObservedStep } from './observed-step.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly to: number;
  /** Undefined: the node's start. */
  readonly input?: { readonly from: Direction; readonly message: Message };
}

export interface DriverRun {
  readonly steps: ObservedStep[];
  /** Every node's core reported `done`. */
  readonly allDone: boolean;
}

/** A bound on the steps of one run, so a core that relays forever fails the check instead of hanging it. */
const MAX_STEPS = 100_000;

/**
 * Runs the cores of `ids` to quiescence; starts and messages beyond the end of `delays` take
 * delay 1. Each message sent to position `to` for which `replay` holds is delivered twice, each
 * copy at its own delay.
 */
export function driveCores(
  ids: readonly number[],
  make: (id: number) => ElectionCore,
  delays: readonly number[],
  replay?: (message: Message, to: number) => boolean,
  misusing = false,
): DriverRun {
  const n = ids.length;
  const cores = ids.map((id) => make(id));
  const started = new Array<boolean>(n).fill(false);
  const decided = new Array<boolean>(n).fill(false);
  const done = new Array<boolean>(n).fill(false);
  const queue: Pending[] = [];
  const steps: ObservedStep[] = [];
  let drawn = 0;
  let seq = 0;
  const later = (now: number) => now + (drawn < delays.length ? delays[drawn++]! : 1);

  for (let i = 0; i < n; i++) queue.push({ at: later(0), seq: seq++, to: i });

  const record = (now: number, position: number, step: Step, received?: { from: Direction; message: Message }) => {
    const decidedBefore = decided[position]!;
    const sent: { direction: Direction; message: Message }[] = [];
    for (const c of step.commands) {
      if (c.type === 'send') {
        sent.push({ direction: c.direction, message: c.message });
        const to = c.direction === 'right' ? (position + 1) % n : (position + n - 1) % n;
        const input = { from: c.direction === 'right' ? ('left' as const) : ('right' as const), message: c.message };
        queue.push({ at: later(now), seq: seq++, to, input });
        if (replay?.(c.message, to)) queue.push({ at: later(now), seq: seq++, to, input });
      } else if (c.type === 'decide') decided[position] = true;
      else if (c.type === 'done') done[position] = true;
    }
    steps.push({ position, ...(received ? { received } : {}), sent, decidedBefore, decidedAfter: decided[position]! });
  };

  for (let count = 0; count < MAX_STEPS && queue.length > 0; count++) {
    let first = 0;
    for (let k = 1; k < queue.length; k++) {
      const a = queue[k]!;
      const b = queue[first]!;
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) first = k;
    }
    const e = queue.splice(first, 1)[0]!;
    if (e.input === undefined && started[e.to]) {
      refused(() => record(e.at, e.to, cores[e.to]!.start()));
    } else if (e.input === undefined) {
      started[e.to] = true;
      record(e.at, e.to, cores[e.to]!.start());
      if (misusing) queue.push({ at: later(e.at), seq: seq++, to: e.to });
    } else if (!started[e.to]) {
      const input = e.input;
      if (misusing && !refused(() => record(e.at, e.to, cores[e.to]!.receive(input.from, input.message), input))) continue;
      // Held until the node starts: its start is still queued, so this comes back after it.
      queue.push({ ...e, seq: seq++, at: Math.max(e.at, ...queue.filter((q) => q.to === e.to && q.input === undefined).map((q) => q.at)) });
    } else {
      record(e.at, e.to, cores[e.to]!.receive(e.input.from, e.input.message), e.input);
    }
  }
  return { steps, allDone: done.every(Boolean) };
}

/** Runs `call`; true if the core refused it as a usage error (by name: a patched core has its own class). */
function refused(call: () => void): boolean {
  try {
    call();
    return false;
  } catch (e) {
    if (e instanceof Error && e.name === 'CoreUsageError') return true;
    throw e;
  }
}
