/**
 * What a member running in a worker thread and the thread that created it tell each other. Times
 * (atMs, leaseEndMs) cross on the process-wide monotonic clock (clock.ts): each side converts
 * from and to its own performance.now(). Errors cross as their code and message.
 */
import type { Epoch } from '../core/leadership/types.js';
import type { HsRingErrorCode } from '../errors.js';
import type { Address } from '../config/address.js';
import type { MemberEvents, MemberOptions, MemberStatus } from './leadership-member.js';

/** The worker's workerData: the member's options (thread left out) and the lease cell's buffer. */
export interface WorkerStart {
  readonly options: MemberOptions;
  readonly lease: SharedArrayBuffer;
}

export interface ErrorData {
  readonly code: HsRingErrorCode | undefined;
  readonly message: string;
}

/** The events that cross as data: all but `failed`, the leader's without its signal (each side has its own). */
type Crossing = Exclude<keyof MemberEvents, 'failed'>;
type Plain<E> = Omit<E, 'signal'>;
export type WorkerEvent = { [K in Crossing]: { readonly type: 'event'; readonly name: K; readonly data: Plain<MemberEvents[K][0]>; readonly status: MemberStatus } }[Crossing];

export type FromWorker =
  | { readonly type: 'ready'; readonly id: number; readonly address: Address; readonly status: MemberStatus }
  | { readonly type: 'error'; readonly error: ErrorData }
  | WorkerEvent
  | { readonly type: 'failed'; readonly error: ErrorData; readonly status: MemberStatus }
  /** A fresh status between events (datagram counts, timer lag). */
  | { readonly type: 'status'; readonly status: MemberStatus }
  | { readonly type: 'done'; readonly req: number };

export type ToWorker =
  | { readonly type: 'start' }
  /** Resign the office of `epoch` if the worker still holds it (a later office is left alone). */
  | { readonly type: 'resign'; readonly epoch: Epoch; readonly req: number }
  | { readonly type: 'close'; readonly req: number };

export function errorData(err: unknown): ErrorData {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? (e.code as HsRingErrorCode) : undefined, message: typeof e?.message === 'string' ? e.message : String(err) };
}
