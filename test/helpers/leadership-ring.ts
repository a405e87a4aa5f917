/**
 * Leadership members on loopback for the UDP tests, and the outside observer that judges them:
 * every member's leader and deposed events on the test process's one monotonic clock, turned
 * into office intervals that must never overlap (NoOverlappingLeases) and whose tokens must
 * increase (EpochsIncrease).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeadershipTiming } from '../../src/core/leadership/settings.js';
import { type HsRingMember, type MemberFaults, type MemberInternals, createMember, createMemberWithCore } from '../../src/runtime/leadership-member.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import type { RingMember } from '../../src/runtime/create-node.js';

/** One term in office as the observer saw it, in real ms; `end` is undefined while it lasts. */
export interface Term {
  readonly id: number;
  readonly epoch: number;
  readonly start: number;
  end?: number;
  /** Where its lease ends, by the last leader or lease event (real ms). */
  leaseEnd: number;
}

/**
 * Places every event on this process's one clock (performance.now() when the listener runs),
 * not on the member's atMs, which a clock-rate fault skews; lease ends come from leaseLeftMs,
 * which is in real ms.
 */
export class LeaseObserver {
  readonly terms: Term[] = [];

  watch(m: HsRingMember): void {
    m.on('leader', ({ epoch, leaseLeftMs }) => {
      const now = performance.now();
      this.terms.push({ id: m.id, epoch, start: now, leaseEnd: now + leaseLeftMs });
    });
    m.on('lease', ({ epoch, leaseLeftMs }) => {
      const term = this.open(m.id, epoch);
      if (term) term.leaseEnd = Math.max(term.leaseEnd, performance.now() + leaseLeftMs);
    });
    m.on('deposed', ({ epoch, reason }) => {
      const term = this.open(m.id, epoch);
      // A closed leader stopped acting, but its lease (and so its office, for NoOverlappingLeases)
      // runs to its end: that was recorded by closing() just before.
      if (term && reason !== 'closed') term.end = performance.now();
    });
  }

  /** Call just before closing `m`: its term ends where its lease would have. */
  closing(m: HsRingMember): void {
    const term = this.terms.find((x) => x.id === m.id && x.end === undefined);
    if (term && m.isLeader()) term.end = term.leaseEnd;
  }

  /** Members in office now, by their last leader event without a deposed one. */
  current(): Term[] {
    return this.terms.filter((x) => x.end === undefined);
  }

  /** Every way the terms seen break NoOverlappingLeases or EpochsIncrease; empty when none. */
  violations(): string[] {
    const out: string[] = [];
    const sorted = [...this.terms].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (a.end === undefined || b.start < a.end) out.push(`NoOverlappingLeases: ${b.id} (epoch ${b.epoch}) took office at ${b.start.toFixed(1)} while ${a.id} (epoch ${a.epoch}) held office until ${a.end?.toFixed(1) ?? 'now'}`);
      if (b.epoch <= a.epoch) out.push(`EpochsIncrease: epoch ${b.epoch} of ${b.id} after epoch ${a.epoch} of ${a.id}`);
    }
    return out;
  }

  /** The real ms during which both terms were in office (0 if none); a term still open counts to its lease end. */
  static overlapMs(a: Term, b: Term): number {
    return Math.max(0, Math.min(a.end ?? a.leaseEnd, b.end ?? b.leaseEnd) - Math.max(a.start, b.start));
  }

  private open(id: number, epoch: number): Term | undefined {
    return this.terms.find((x) => x.id === id && x.epoch === epoch && x.end === undefined);
  }
}

/** What each member of these rings advertises while it leads. */
export function advertised(id: number): string {
  return `member-${id}.example:80`;
}

export interface LeadershipRing {
  readonly ring: RingMember[];
  readonly dirs: string[];
  readonly members: (HsRingMember | undefined)[];
  readonly observer: LeaseObserver;
  /** Creates (or re-creates, from its state directory) and starts member `i`. */
  up(i: number): Promise<HsRingMember>;
  /** Closes member `i` as a crash would leave it: no resign. */
  down(i: number): Promise<void>;
  closeAll(): Promise<void>;
}

/** What a test may change in every member of a ring. */
export interface RingExtras {
  readonly timing?: Partial<LeadershipTiming>;
  /** Test-only internals per member: a sabotaged core, cut links. */
  readonly internals?: (id: number) => MemberInternals;
  /** Run each member's protocol in a worker thread (createMember's `thread`). */
  readonly thread?: boolean;
  /** Members flagged `voteOnly` in the ring: they grant and renew but never lead. */
  readonly voteOnly?: readonly number[];
  /** Whom followers heartbeat (createMember's `heartbeats`). */
  readonly heartbeats?: 'all' | 'ring';
}

/** A ring of `ids` on loopback ports, each member with its own state directory (and `key`, if given); nothing started yet. */
export async function leadershipRing(ids: readonly number[], key?: Uint8Array, faults?: (id: number) => MemberFaults | undefined, extras: RingExtras = {}): Promise<LeadershipRing> {
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ring = ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]!, ...(extras.voteOnly?.includes(id) ? { voteOnly: true } : {}) }));
  const base = mkdtempSync(join(tmpdir(), 'hs-ring-lead-'));
  const dirs = ids.map((id) => join(base, `member-${id}`));
  const members: (HsRingMember | undefined)[] = ids.map(() => undefined);
  const observer = new LeaseObserver();
  const self: LeadershipRing = {
    ring,
    dirs,
    members,
    observer,
    async up(i) {
      const f = faults?.(ids[i]!);
      const options = { ring, self: ids[i]!, stateDir: dirs[i]!, advertise: advertised(ids[i]!), ...(key ? { key } : {}), ...(f ? { faults: f } : {}), ...(extras.timing ? { timing: extras.timing } : {}), ...(extras.heartbeats ? { heartbeats: extras.heartbeats } : {}) };
      // The test-only internals cannot cross into a worker thread.
      const m = extras.thread ? await createMember({ ...options, thread: true }) : await createMemberWithCore(options, extras.internals?.(ids[i]!) ?? {});
      members[i] = m;
      observer.watch(m);
      m.start();
      return m;
    },
    async down(i) {
      const m = members[i];
      if (!m) return;
      observer.closing(m);
      members[i] = undefined;
      await m.close();
    },
    async closeAll() {
      for (let i = 0; i < members.length; i++) await self.down(i);
      rmSync(base, { recursive: true, force: true });
    },
  };
  return self;
}
