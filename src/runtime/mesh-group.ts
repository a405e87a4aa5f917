/**
 * Several mesh nodes in one process, each on its own UDP socket, watched by an outside observer
 * on the process's clock: when every live member first knows one leader that alone acts as
 * leader (the election time), how many act at once, and a crash on demand (a failover). Used by
 * `hs-ring node` hosting mesh members, the bench and tests.
 */
import { performance } from 'node:perf_hooks';
import type { AnyMeshAlgorithm } from '../core/algorithms.js';
import type { LinkConfig } from '../link/config.js';
import type { MeshNodeResult } from '../node/mesh-result.js';
import { type FaultConfig, FaultyTransport, faultSeedFor, hasFaults } from '../transport/faulty.js';
import type { Transport } from '../transport/transport.js';
import { UdpTransport } from '../transport/udp.js';
import { type MeshMember, MeshRunner } from './mesh-runner.js';

export interface MeshGroupOptions {
  readonly algorithm: AnyMeshAlgorithm;
  readonly link?: LinkConfig;
  readonly settleMs: number;
  readonly timeoutMs: number;
  readonly key?: Uint8Array;
  readonly faults?: FaultConfig;
}

/** One hosted mesh node. */
export interface MeshGroupMember {
  readonly id: number;
  readonly runner: MeshRunner;
  readonly transport: Transport;
}

/** What the observer saw of a run, on the group's clock (ms from the common start). */
export interface MeshGroupRun {
  readonly results: MeshNodeResult[];
  /** When every live member first agreed on one acting leader; null if never. */
  readonly electionMs: number | null;
  /** After a crash(): when the survivors first agreed on a new leader, measured from the crash. */
  readonly failoverMs: number | null;
  readonly maxLeadersAtOnce: number;
}

export class MeshGroup {
  private readonly known = new Map<number, { leader: number | null; isLeader: boolean }>();
  private readonly dead = new Set<number>();
  private startedAt = 0;
  private agreedAt: number | null = null;
  private crashedAt: number | null = null;
  private crashedLeader: number | null = null;
  private failoverAt: number | null = null;
  private maxLeaders = 0;

  private constructor(readonly members: readonly MeshGroupMember[]) {
    for (const m of members) {
      this.known.set(m.id, { leader: null, isLeader: false });
      m.runner.on('decide', (leader, isLeader) => {
        this.known.set(m.id, { leader, isLeader });
        this.observe();
      });
    }
  }

  /**
   * Binds one socket per local member and builds its node; `members` is the whole mesh with the
   * addresses every node is told (port 0 is not allowed there), `local` the ids hosted here.
   */
  static async bind(members: readonly MeshMember[], local: readonly number[], options: MeshGroupOptions): Promise<MeshGroup> {
    const listen = local.map((id) => members.find((m) => m.id === id)!.address);
    const transports = await UdpTransport.bindAll(listen);
    return new MeshGroup(local.map((id, i) => member(id, members, transports[i]!, options)));
  }

  /** A whole mesh of `ids` on `host`, on ports the OS picks. */
  static async local(ids: readonly number[], host: string, options: MeshGroupOptions): Promise<MeshGroup> {
    const transports = await UdpTransport.bindAll(ids.map(() => ({ host, port: 0 })));
    const members = ids.map((id, i) => ({ id, address: transports[i]!.local }));
    return new MeshGroup(ids.map((id, i) => member(id, members, transports[i]!, options)));
  }

  /** Starts every node in the same tick; resolves with all results (in member order), sockets closed. */
  async run(): Promise<MeshGroupRun> {
    this.startedAt = performance.now();
    const results = await Promise.all(
      this.members.map(async (m) => {
        const r = await m.runner.run();
        await m.transport.close();
        return r;
      }),
    );
    return { results, electionMs: this.agreedAt, failoverMs: this.failoverAt === null || this.crashedAt === null ? null : this.failoverAt - this.crashedAt, maxLeadersAtOnce: this.maxLeaders };
  }

  /** The current leader if every live member knows it and it alone acts, else null. */
  agreedLeader(): number | null {
    const live = this.members.filter((m) => !this.dead.has(m.id));
    const leaders = live.filter((m) => this.known.get(m.id)!.isLeader);
    if (leaders.length !== 1) return null;
    const leader = leaders[0]!.id;
    return live.every((m) => this.known.get(m.id)!.leader === leader) ? leader : null;
  }

  /** Crashes member `id` now: its node stops without a word and its socket closes. */
  async crash(id: number): Promise<void> {
    const m = this.members.find((x) => x.id === id);
    if (!m) throw new RangeError(`${id} is not hosted here`);
    this.dead.add(id);
    this.crashedLeader = this.agreedLeader() ?? this.crashedLeader;
    this.crashedAt = performance.now() - this.startedAt;
    m.runner.halt();
    this.observe();
  }

  private observe(): void {
    const now = performance.now() - this.startedAt;
    let leaders = 0;
    for (const [id, k] of this.known) if (k.isLeader && !this.dead.has(id)) leaders += 1;
    this.maxLeaders = Math.max(this.maxLeaders, leaders);
    const agreed = this.agreedLeader();
    if (agreed === null) return;
    this.agreedAt ??= now;
    if (this.crashedAt !== null && this.failoverAt === null && agreed !== this.crashedLeader) this.failoverAt = now;
  }

  /** Closes every socket (for a group that will not run). */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.transport.close()));
  }
}


function member(id: number, members: readonly MeshMember[], udp: UdpTransport, options: MeshGroupOptions): MeshGroupMember {
  const faults = options.faults;
  const transport: Transport = faults && hasFaults(faults) ? new FaultyTransport(udp, { ...faults, seed: faultSeedFor(faults.seed, id) }) : udp;
  const runner = new MeshRunner({
    id,
    members,
    algorithm: options.algorithm,
    transport,
    settleMs: options.settleMs,
    timeoutMs: options.timeoutMs,
    ...(options.link ? { link: options.link } : {}),
    ...(options.key ? { key: options.key } : {}),
  });
  return { id, runner, transport };
}
