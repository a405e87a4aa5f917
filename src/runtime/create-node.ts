/**
 * The library's front door: createNode() checks a node's whole configuration once, binds its UDP
 * socket and returns a handle with typed events, start(), the current leader and state, and
 * close(). Built on RingNode's public options and events, as any application could be.
 */
import { EventEmitter } from 'node:events';
import { type Address, checkPort, formatAddress, parseAddress, checkHost } from '../config/address.js';
import { keyProblem } from '../config/key.js';
import { checkPlacement } from '../config/placement.js';
import { parseRing, placementOf } from '../config/ring-file.js';
import { isValidId } from '../core/types.js';
import type { TraceEvent } from '../core/trace.js';
import { HsRingError, InvalidConfigError, NodeClosedError } from '../errors.js';
import type { DropReason } from '../link/stats.js';
import type { LinkConfig } from '../link/config.js';
import { UdpTransport } from '../transport/udp.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { DEFAULT_TIMEOUT_MS, type LinkSettings, durationProblem, linkConfigOf, timeoutProblem } from './link-settings.js';
import { RingNode } from './node.js';
import type { NodeResult } from '../node/result.js';

/** A UDP endpoint as the options take it: "127.0.0.1:7001", "[::1]:7001", or { host, port }. Hosts are IP literals. */
export type AddressInput = string | Address;

/** One member of a ring, in ring order: each member's right neighbour is the next one. */
export interface RingMember {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  /** Leadership only (createMember): the member grants and renews but never stands for election. */
  readonly voteOnly?: boolean;
}

/**
 * Everything a node needs. Give its place either as `listen`, `left` and `right`, or as the
 * whole `ring` (this node is the member with `id`); not both.
 */
export interface NodeOptions {
  /** This node's id: a unique integer in 0..2^53-1. The maximum id on the ring is elected. */
  readonly id: number;
  /** Where this node listens (port 0: any free port, for a node whose neighbours learn it later). */
  readonly listen?: AddressInput;
  readonly left?: AddressInput;
  readonly right?: AddressInput;
  /** The ring in order, as a ring file lists it ({ members: [...] } or the list itself). */
  readonly ring?: readonly RingMember[];
  /** Tuning of the reliable link; defaults suit a LAN or loopback. */
  readonly link?: LinkSettings;
  /** Give up after this many ms without finishing (default 30,000); must exceed link.lingerMs. */
  readonly timeoutMs?: number;
  /** Cluster key (at least 16 bytes): every frame is authenticated with HMAC-SHA256. Same on every node. */
  readonly key?: Uint8Array;
  /** Emit 'trace' events (every core transition), as `--trace` writes them. */
  readonly trace?: boolean;
}

/**
 * What a node is doing: created (socket bound), running, decided (lingering), then done, stalled,
 * failed (start() rejected: another node has this id) or closed.
 */
export type NodeState = 'created' | 'running' | 'decided' | 'done' | 'stalled' | 'failed' | 'closed';

/** The events of a node, each with one object argument. */
export interface NodeEvents {
  /** The node entered a phase of the algorithm (HS: phase k probes 2^k hops). */
  phase: [{ readonly phase: number; readonly atMs: number }];
  /** The node learnt the leader; `isLeader` is true on the leader itself. */
  decided: [{ readonly leader: number; readonly isLeader: boolean; readonly atMs: number }];
  /** The node finished: its neighbours acknowledged everything and it lingered. start() resolves with the same result. */
  done: [NodeResult];
  /** The timeout expired first; `result.stall` says which neighbour did not answer. start() resolves with it. */
  stalled: [NodeResult];
  /** A datagram was refused (malformed, stale, unauthenticated, from an unknown sender...). */
  drop: [{ readonly reason: DropReason; readonly detail: string; readonly from: Address }];
  /** A core transition (only with `trace: true`). */
  trace: [TraceEvent];
}

/** A ring node created by createNode. */
export interface HsRingNode extends EventEmitter<NodeEvents> {
  readonly id: number;
  /** The address the socket is bound to (the actual port when `listen` asked for port 0). */
  readonly address: Address;
  readonly left: Address;
  readonly right: Address;
  /** The leader this node has decided on, or null before it knows. */
  readonly leader: number | null;
  readonly state: NodeState;
  /**
   * Starts the election (once; later calls return the same promise) and resolves with this node's
   * result; rejects with DuplicateIdError if another node of the ring has this node's id.
   */
  start(): Promise<NodeResult>;
  /** Releases the socket and every timer; a run still going rejects its start() with NodeClosedError. */
  close(): Promise<void>;
}

/** The configuration createNode settled on, before anything is bound. */
interface Checked {
  readonly id: number;
  readonly listen: Address;
  readonly left: Address;
  readonly right: Address;
  readonly link: LinkConfig;
  readonly timeoutMs: number;
  readonly key?: Uint8Array;
  readonly trace: boolean;
  /** Digest of `ring`; absent when placed by listen/left/right. */
  readonly ringDigest?: number;
}

/**
 * Checks `options` (InvalidConfigError naming the first problem), binds the node's UDP socket
 * (PortInUseError, AddressUnavailableError) and returns the node, not yet started.
 */
export async function createNode(options: NodeOptions): Promise<HsRingNode> {
  const c = checkNodeOptions(options);
  const transport = await UdpTransport.bind(c.listen);
  return new Node(c, transport);
}

/** The checks of createNode, without binding: InvalidConfigError naming the first problem. */
export function checkNodeOptions(options: NodeOptions): Checked {
  if (typeof options !== 'object' || options === null) throw new InvalidConfigError('createNode: options must be an object');
  const { id } = options;
  if (typeof id !== 'number' || !isValidId(id)) throw new InvalidConfigError(`id: ${JSON.stringify(id) ?? String(id)} is not an integer id in 0..2^53-1`);
  let place: { listen: Address; left: Address; right: Address; ringDigest?: number };
  if (options.ring !== undefined) {
    for (const f of ['listen', 'left', 'right'] as const) {
      if (options[f] !== undefined) throw new InvalidConfigError(`${f}: give either the ring or listen/left/right, not both`);
    }
    if (!Array.isArray(options.ring)) throw new InvalidConfigError('ring: must be the list of members [{ id, host, port }, ...] in ring order');
    const members = parseRing({ members: options.ring }, 'ring');
    if (!members.some((m) => m.id === id)) throw new InvalidConfigError(`id: ${id} is not a member of the ring (ids: ${members.map((m) => m.id).join(', ')})`);
    place = placementOf(members, id);
  } else {
    const at = (f: 'listen' | 'left' | 'right') => address(options[f], f, f === 'listen');
    place = checkPlacement({ id, listen: at('listen'), left: at('left'), right: at('right') }, (side) => side);
  }
  if (options.link !== undefined && (typeof options.link !== 'object' || options.link === null)) {
    throw new InvalidConfigError('link: must be an object such as { rtoMs: 100, ackDelayMs: 9, lingerMs: 500 }');
  }
  const link = linkConfigOf(options.link ?? {});
  if (Array.isArray(link)) throw new InvalidConfigError(`link.${link[0]}: ${link[1]}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const badTimeout = durationProblem(timeoutMs) ?? timeoutProblem(timeoutMs, link.lingerMs);
  if (badTimeout) throw new InvalidConfigError(`timeoutMs: ${badTimeout}`);
  if (options.key !== undefined) {
    if (!(options.key instanceof Uint8Array)) throw new InvalidConfigError('key: must be a Uint8Array (a Buffer is one)');
    const problem = keyProblem(options.key);
    if (problem) throw new InvalidConfigError(`key: ${problem}`);
  }
  return {
    id,
    ...place,
    link,
    timeoutMs,
    ...(options.key ? { key: new Uint8Array(options.key) } : {}),
    trace: options.trace === true,
  };
}

function address(value: AddressInput | undefined, what: string, zeroPort: boolean): Address {
  if (value === undefined) throw new InvalidConfigError(`${what}: missing (an address "HOST:PORT", or give the ring)`);
  if (typeof value === 'string') {
    // Port 0 (any free port) only where the node listens: it names no neighbour.
    const any = zeroPort ? /^\[?([^\]]*?)\]?:0$/.exec(value) : null;
    return any ? { host: checkHost(any[1]!, what), port: 0 } : parseAddress(value, what);
  }
  if (typeof value !== 'object' || value === null || typeof value.host !== 'string' || typeof value.port !== 'number') {
    throw new InvalidConfigError(`${what}: must be "HOST:PORT" or { host, port }`);
  }
  return { host: checkHost(value.host, what), port: checkPort(value.port, what, zeroPort) };
}

/**
 * The clock a node runs on: the system's, with every timer remembered so that close() can
 * cancel what the run left pending and the process can exit at once.
 */
class TrackedClock implements Clock {
  private readonly pending = new Set<NodeJS.Timeout>();
  now(): number {
    return systemClock.now();
  }
  setTimer(fn: () => void, delayMs: number): unknown {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, delayMs);
    this.pending.add(t);
    return t;
  }
  clearTimer(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
    this.pending.delete(handle as NodeJS.Timeout);
  }
  clearAll(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

class Node extends EventEmitter<NodeEvents> implements HsRingNode {
  readonly id: number;
  readonly address: Address;
  readonly left: Address;
  readonly right: Address;
  private current: NodeState = 'created';
  private decidedLeader: number | null = null;
  private readonly clock = new TrackedClock();
  private readonly ring: RingNode;
  private run: Promise<NodeResult> | undefined;
  private abort: ((err: HsRingError) => void) | undefined;

  constructor(
    c: Checked,
    private readonly transport: UdpTransport,
  ) {
    super();
    this.id = c.id;
    this.address = transport.local;
    this.left = c.left;
    this.right = c.right;
    this.ring = new RingNode({
      id: c.id,
      transport,
      left: c.left,
      right: c.right,
      link: c.link,
      timeoutMs: c.timeoutMs,
      clock: this.clock,
      trace: c.trace,
      ...(c.key ? { key: c.key } : {}),
      ...(c.ringDigest !== undefined ? { ringDigest: c.ringDigest } : {}),
    });
    this.ring.on('phase', (phase, atMs) => this.emit('phase', { phase, atMs }));
    this.ring.on('decide', (leader, isLeader, atMs) => {
      this.decidedLeader = leader;
      if (this.current === 'running') this.current = 'decided';
      this.emit('decided', { leader, isLeader, atMs });
    });
    this.ring.on('drop', (reason, detail, from) => this.emit('drop', { reason, detail, from }));
    this.ring.on('trace', (e) => this.emit('trace', e));
  }

  get leader(): number | null {
    return this.decidedLeader;
  }

  get state(): NodeState {
    return this.current;
  }

  start(): Promise<NodeResult> {
    if (this.current === 'closed' && !this.run) return Promise.reject(new NodeClosedError(`node ${this.id} is closed`));
    this.run ??= new Promise<NodeResult>((resolve, reject) => {
      this.abort = reject;
      this.current = 'running';
      this.ring.run().then((result) => {
        if (this.current === 'closed') return;
        this.abort = undefined;
        this.current = result.outcome === 'ok' ? 'done' : 'stalled';
        this.emit(result.outcome === 'ok' ? 'done' : 'stalled', result);
        resolve(result);
      }, (err: unknown) => {
        if (this.current === 'closed') return;
        this.abort = undefined;
        this.current = 'failed';
        reject(err);
      });
    });
    return this.run;
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    const running = this.abort;
    this.current = 'closed';
    this.abort = undefined;
    this.clock.clearAll();
    await this.transport.close();
    running?.(new NodeClosedError(`node ${this.id} (${formatAddress(this.address)}) was closed before its election ended`));
  }
}
