/** RingNode: one election node on a real (or in-memory) network, driving the pure node layer. */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CoreFactory } from '../core/election-core.js';
import type { TraceEvent } from '../core/trace.js';
import type { LinkConfig } from '../link/config.js';
import type { DropReason } from '../link/stats.js';
import { ElectionNode, type Output } from '../node/election-node.js';
import { fromSides, sideOf } from '../node/ring.js';
import { type Address, formatAddress, sameAddress } from '../config/address.js';
import type { Transport } from '../transport/transport.js';
import { type Clock, systemClock } from './clock.js';
import { KeyedTimers } from './keyed-timers.js';
import { type NodeResult, nodeResult } from '../node/result.js';
import { DuplicateIdError } from '../errors.js';

export interface RingNodeOptions {
  readonly id: number;
  readonly transport: Transport;
  readonly left: Address;
  readonly right: Address;
  readonly link?: LinkConfig;
  /** Give up after this many ms without finishing, and report a stall. */
  readonly timeoutMs: number;
  readonly clock?: Clock;
  /** Source of jitter; defaults to Math.random. */
  readonly random?: () => number;
  readonly trace?: boolean;
  /** The election algorithm's core; the registry's default unless given. */
  readonly core?: CoreFactory;
  /** Cluster key: authenticate every frame and verify neighbours' sessions (see ElectionNodeOptions.key). */
  readonly key?: Uint8Array;
  /** Digest of the ring file this node was placed from; without one, frames are not checked (see ElectionNodeOptions.ringDigest). */
  readonly ringDigest?: number;
}

/** Typed events of a running node. */
export interface RingNodeEvents {
  phase: [phase: number, atMs: number];
  decide: [leader: number, isLeader: boolean, atMs: number];
  trace: [event: TraceEvent];
  drop: [reason: DropReason, detail: string, from: Address];
}

/**
 * One ring node on a real (or in-memory) network: it feeds datagrams and timers to an ElectionNode
 * and carries out what comes back. `run()` resolves when the node has finished and lingered,
 * or when the timeout expires with a stall report.
 */
export class RingNode extends EventEmitter<RingNodeEvents> {
  private readonly node: ElectionNode;
  private readonly clock: Clock;
  private readonly timers: KeyedTimers;
  private startedAt = 0;
  private lastPhase = 0;
  private finish: ((r: NodeResult) => void) | undefined;
  private fail: ((err: Error) => void) | undefined;
  private deadline: unknown;

  constructor(private readonly options: RingNodeOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.timers = new KeyedTimers(this.clock);
    this.node = new ElectionNode({
      id: options.id,
      // Never 0: on a keyed ring 0 is the echo meaning "no session known yet".
      session: randomInt(1, 2 ** 32),
      random: options.random ?? Math.random,
      trace: options.trace ?? false,
      ...(options.core ? { core: options.core } : {}),
      ...(options.link ? { config: options.link } : {}),
      ...(options.key ? { key: options.key } : {}),
      ...(options.ringDigest !== undefined ? { ringDigest: options.ringDigest } : {}),
    });
  }

  /**
   * Starts the election and resolves with this node's result; rejects with DuplicateIdError if
   * another node turns out to have this node's id.
   */
  run(): Promise<NodeResult> {
    return new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
      this.startedAt = this.clock.now();
      this.deadline = this.clock.setTimer(() => this.stop('stalled'), this.options.timeoutMs);
      this.apply(this.node.start(this.elapsed()));
      // Only now: datagrams that arrived before the start are replayed to a started node.
      this.options.transport.onDatagram((bytes, from) => this.onDatagram(bytes, from));
    });
  }

  private onDatagram(bytes: Uint8Array, from: Address): void {
    if (!this.finish) return;
    const sources = fromSides(sameAddress(from, this.options.left), sameAddress(from, this.options.right));
    this.apply(this.node.onDatagram(this.elapsed(), bytes, sources), from);
  }

  private apply(outputs: Output[], from?: Address): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'transmit':
          this.options.transport.send(o.bytes, sideOf(o.peer) === 'left' ? this.options.left : this.options.right);
          break;
        case 'setTimer':
          this.timers.set(o.key, o.delayMs, () => {
            if (this.finish) this.apply(this.node.onTimer(this.elapsed(), o.key));
          });
          break;
        case 'cancelTimer':
          this.timers.cancel(o.key);
          break;
        case 'phase':
          this.lastPhase = o.phase;
          this.emit('phase', o.phase, this.elapsed());
          break;
        case 'decide':
          this.emit('decide', o.leader, o.isLeader, this.elapsed());
          break;
        case 'trace':
          this.emit('trace', o.event);
          break;
        case 'drop':
          this.emit('drop', o.reason, o.detail, from ?? this.options.transport.local);
          break;
        case 'exit':
          this.stop('ok');
          break;
        case 'duplicate-id':
          this.stop(new DuplicateIdError(o.id, o.detail));
          break;
      }
    }
  }

  private stop(outcome: 'ok' | 'stalled' | DuplicateIdError): void {
    const finish = this.finish;
    const fail = this.fail;
    if (!finish || !fail) return;
    this.finish = undefined;
    this.fail = undefined;
    this.timers.clearAll();
    this.clock.clearTimer(this.deadline);
    if (outcome instanceof DuplicateIdError) fail(outcome);
    else finish(this.result(outcome));
  }

  private result(outcome: 'ok' | 'stalled'): NodeResult {
    const now = this.elapsed();
    const node = this.node;
    return nodeResult({
      outcome,
      state: node.state(),
      lastPhase: this.lastPhase,
      stats: node.stats,
      decidedMs: node.decidedTime() ?? null,
      elapsedMs: now,
      unconfirmed: node.unconfirmed(),
      diagnosis: node.diagnose(now),
      neighbour: (side) => formatAddress(side === 'left' ? this.options.left : this.options.right),
      when: `after ${this.options.timeoutMs} ms`,
      time: round,
    });
  }

  private elapsed(): number {
    return this.clock.now() - this.startedAt;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
