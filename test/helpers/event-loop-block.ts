/**
 * One leader whose thread is blocked by a long synchronous task, on a ring of three on loopback:
 * the two others run in worker threads (they go on while this thread is blocked), the one that
 * leads (the highest id, the view's pick) runs on this thread or, with `thread: true`, in its own
 * worker. For `npm run loop-block` and the unit test alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LeadershipTiming } from '../../src/core/leadership/settings.js';
import { type HsRingMember, type LeaveReason, createMember } from '../../src/runtime/leadership-member.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { waitFor } from './wait.js';

export interface BlockRun {
  /** The leader's protocol runs in a worker thread. */
  readonly thread: boolean;
  readonly blockMs: number;
  readonly timing?: Partial<LeadershipTiming>;
  /** How long to watch after the block for the leader's deposed event and a successor. */
  readonly settleMs: number;
}

export interface BlockOutcome {
  readonly thread: boolean;
  readonly blockMs: number;
  /** The leader's token when the block began. */
  readonly token: number;
  /** isLeader() read as soon as the block ended, before any event or timer ran. */
  readonly leaderRightAfter: boolean;
  /** The leader's deposed event: its reason and how long after the block ended it came, or null. */
  readonly deposed: { readonly reason: LeaveReason; readonly afterBlockMs: number } | null;
  /** Another member in office: its token and when it took office, in ms after the block began, or null. */
  readonly successor: { readonly id: number; readonly token: number; readonly atBlockMs: number } | null;
  /** Lease renewals of the leader dated within the block. */
  readonly renewalsInBlock: number;
  /** The leader's status after the settle time: how late its protocol timer and this thread's event loop ran. */
  readonly timerLagMaxMs: number;
  readonly eventLoopLagMaxMs: number;
}

const IDS = [1, 2, 3];
const LEADER = 3;

/** Keeps this thread busy for `ms`, as a long synchronous task would. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

export async function blockWhileLeading(run: BlockRun): Promise<BlockOutcome> {
  const ports = await reserveUdpPorts('127.0.0.1', IDS.length);
  const ring = IDS.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]! }));
  const base = mkdtempSync(join(tmpdir(), 'hs-ring-block-'));
  const members: HsRingMember[] = [];
  try {
    for (const id of IDS) {
      const thread = id === LEADER ? run.thread : true;
      members.push(await createMember({ ring, self: id, stateDir: join(base, `member-${id}`), thread, ...(run.timing ? { timing: run.timing } : {}) }));
    }
    const leader = members.find((m) => m.id === LEADER)!;
    for (const m of members) m.start();
    // Another member may win the first election (the leader was not yet in its view): it resigns.
    const led = await waitFor(() => {
      for (const m of members) if (m !== leader && m.isLeader()) void m.resign();
      return leader.isLeader();
    }, 15_000);
    if (!led) throw new Error(`member ${LEADER} did not take office within 15 s`);
    // A few renewals first, so the block starts with an ordinary, freshly renewed lease.
    await waitFor(() => false, 300);
    const token = leader.status().epoch;

    let deposed: { reason: LeaveReason; atMs: number } | null = null;
    let successor: { id: number; token: number; atMs: number } | null = null;
    const renewals: number[] = [];
    leader.on('deposed', ({ reason, atMs }) => (deposed ??= { reason, atMs }));
    leader.on('lease', ({ atMs }) => renewals.push(atMs));
    for (const m of members) if (m !== leader) m.on('leader', ({ token: t, atMs }) => (successor ??= { id: m.id, token: t, atMs }));

    const start = performance.now();
    busy(run.blockMs);
    const end = performance.now();
    const leaderRightAfter = leader.isLeader();
    await waitFor(() => false, run.settleMs);
    const s = leader.status();
    const d = deposed as { reason: LeaveReason; atMs: number } | null;
    const n = successor as { id: number; token: number; atMs: number } | null;
    return {
      thread: run.thread,
      blockMs: run.blockMs,
      token,
      leaderRightAfter,
      deposed: d ? { reason: d.reason, afterBlockMs: d.atMs - end } : null,
      successor: n ? { id: n.id, token: n.token, atBlockMs: n.atMs - start } : null,
      renewalsInBlock: renewals.filter((at) => at >= start && at <= end).length,
      timerLagMaxMs: s.timerLagMs.max,
      eventLoopLagMaxMs: s.eventLoopLagMs.max,
    };
  } finally {
    for (const m of members) await m.close();
    rmSync(base, { recursive: true, force: true });
  }
}
