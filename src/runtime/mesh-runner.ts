/**
 * MeshRunner: one mesh election node (Bully, Raft-style) on a real (or in-memory) network,
 * driving the pure MeshNode: every other member is a peer at a known address. `run()` resolves
 * once the node has settled on a leader and wound down (twice the settle time), or at the timeout.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AnyMeshAlgorithm } from '../core/algorithms.js';
import type { LinkConfig } from '../link/config.js';
import type { DropReason } from '../link/stats.js';
import { MeshNode, type MeshOutput } from '../node/mesh-node.js';
import { type MeshNodeResult, meshNodeResult } from '../node/mesh-result.js';
import { type Address, addressKey } from '../config/address.js';
import type { Transport } from '../transport/transport.js';
import { type Clock, systemClock } from './clock.js';
import { KeyedTimers } from './keyed-timers.js';

/**
 * How long a node's known leader must hold before its run ends: several election timeouts, so
 * a leader that is still contested is not reported as settled.
 */
export const DEFAULT_SETTLE_MS = 1000;

/** One member of a mesh: its id and address. */
export interface MeshMember {
  readonly id: number;
  readonly address: Address;
}

export interface MeshRunnerOptions {
  readonly id: number;
  /** Every member with its address, this node included, in the same order on every node. */
  readonly members: readonly MeshMember[];
  readonly algorithm: AnyMeshAlgorithm;
  readonly transport: Transport;
  readonly link?: LinkConfig;
  /** The same leader known this long ends the run. */
  readonly settleMs: number;
  /** Give up after this many ms without settling. */
  readonly timeoutMs: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly key?: Uint8Array;
}

/** Typed events of a running mesh node; `leader` null when the node knows none. */
export interface MeshRunnerEvents {
  decide: [leader: number | null, isLeader: boolean, atMs: number];
  drop: [reason: DropReason, detail: string, from: Address];
}

export class MeshRunner extends EventEmitter<MeshRunnerEvents> {
  readonly node: MeshNode;
  private readonly clock: Clock;
  private readonly timers: KeyedTimers;
  private readonly addresses: readonly Address[];
  private readonly peerAt = new Map<string, number>();
  private startedAt = 0;
  private finish: ((r: MeshNodeResult) => void) | undefined;
  private deadline: unknown;

  constructor(private readonly options: MeshRunnerOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.timers = new KeyedTimers(this.clock);
    this.node = new MeshNode({
      id: options.id,
      members: options.members.map((m) => m.id),
      algorithm: options.algorithm,
      // Never 0: on a keyed mesh 0 is the echo meaning "no session known yet".
      session: randomInt(1, 2 ** 32),
      random: options.random ?? Math.random,
      settleMs: options.settleMs,
      ...(options.link ? { config: options.link } : {}),
      ...(options.key ? { key: options.key } : {}),
    });
    const byId = new Map(options.members.map((m) => [m.id, m.address]));
    this.addresses = this.node.peers.map((id) => byId.get(id)!);
    this.addresses.forEach((a, p) => this.peerAt.set(addressKey(a), p));
  }

  /** Starts the node and resolves with its result. */
  run(): Promise<MeshNodeResult> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.startedAt = this.clock.now();
      this.deadline = this.clock.setTimer(() => this.stop('stalled'), this.options.timeoutMs);
      this.apply(this.node.start(0));
      this.options.transport.onDatagram((bytes, from) => {
        if (this.finish) this.apply(this.node.onDatagram(this.elapsed(), bytes, this.peerAt.get(addressKey(from)) ?? -1), from);
      });
    });
  }

  /** Ends the run now, as a crash would (no goodbye to the peers); the result says stalled if unsettled. */
  halt(): void {
    this.stop('stalled');
  }

  private apply(outputs: MeshOutput[], from?: Address): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'transmit':
          this.options.transport.send(o.bytes, this.addresses[o.peer]!);
          break;
        case 'setTimer':
          this.timers.set(o.key, o.delayMs, () => {
            if (this.finish) this.apply(this.node.onTimer(this.elapsed(), o.key));
          });
          break;
        case 'cancelTimer':
          this.timers.cancel(o.key);
          break;
        case 'decide':
          this.emit('decide', o.leader, o.isLeader, this.elapsed());
          break;
        case 'drop':
          this.emit('drop', o.reason, o.detail, from ?? this.options.transport.local);
          break;
        case 'settled':
          break;
        case 'exit':
          this.stop('ok');
          break;
      }
    }
  }

  private stop(outcome: 'ok' | 'stalled'): void {
    const finish = this.finish;
    if (!finish) return;
    this.finish = undefined;
    this.node.stop();
    this.timers.clearAll();
    this.clock.clearTimer(this.deadline);
    finish(meshNodeResult(this.node, outcome, this.elapsed(), round));
  }

  private elapsed(): number {
    return this.clock.now() - this.startedAt;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
