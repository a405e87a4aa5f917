/**
 * Leadership members on loopback for the UDP tests, and the outside observer that judges them:
 * every member's leader and deposed events on the test process's one monotonic clock, turned
 * into office intervals that must never overlap (NoOverlappingLeases) and whose tokens must
 * increase (EpochsIncrease).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HsRingMember, createMember } from '../../src/runtime/leadership-member.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import type { RingMember } from '../../src/runtime/create-node.js';

/** One term in office as the observer saw it; `end` is undefined while it lasts. */
export interface Term {
  readonly id: number;
  readonly epoch: number;
  readonly start: number;
  end?: number;
}

export class LeaseObserver {
  readonly terms: Term[] = [];

  watch(m: HsRingMember): void {
    m.on('leader', ({ epoch, atMs }) => this.terms.push({ id: m.id, epoch, start: atMs }));
    m.on('deposed', ({ epoch, atMs, reason }) => {
      const term = this.terms.find((x) => x.id === m.id && x.epoch === epoch && x.end === undefined);
      // A closed leader stopped acting, but its lease (and so its office, for NoOverlappingLeases)
      // runs to its end: that was recorded by closing() just before.
      if (term && reason !== 'closed') term.end = atMs;
    });
  }

  /** Call just before closing `m`: its term ends where its lease would have. */
  closing(m: HsRingMember): void {
    const end = m.status().leaseEndMs;
    const term = this.terms.find((x) => x.id === m.id && x.end === undefined);
    if (term && end !== null) term.end = end;
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

/** A ring of `ids` on loopback ports, each member with its own state directory (and `key`, if given; `voteOnly` members flagged so); nothing started yet. */
export async function leadershipRing(ids: readonly number[], key?: Uint8Array, voteOnly: readonly number[] = []): Promise<LeadershipRing> {
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ring = ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i]!, ...(voteOnly.includes(id) ? { voteOnly: true } : {}) }));
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
      const m = await createMember({ ring, self: ids[i]!, stateDir: dirs[i]!, advertise: advertised(ids[i]!), ...(key ? { key } : {}) });
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
