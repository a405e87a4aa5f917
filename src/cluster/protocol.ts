/**
 * What a node process and its launcher say to each other: the process reads its NodeConfig as
 * one JSON line on stdin and then a "start" line; it prints one JSON object per line on stdout
 * (ready, phase, decide, drop, result, and error if it fails). `hs-ring node --ndjson` speaks the
 * same, for scripts.
 */
import { formatAddress } from '../config/address.js';
import { HsRingError, type HsRingErrorCode } from '../errors.js';
import type { MeshNodeResult } from '../node/mesh-result.js';
import type { NodeResult } from '../node/result.js';
import type { HostEvent } from './node-host.js';

/**
 * How a node process exits. The same statuses as `hs-ring node` (README, exit codes), so that
 * a node process run by hand reads like the command; the launcher itself goes by the events.
 */
export const NODE_PROCESS_STATUS = { ok: 0, bug: 1, refused: 2, stalled: 3 } as const;

/** One line a node process prints. */
export type NodeLine =
  | { event: 'ready'; id: number; listen: string }
  | { event: 'phase'; id: number; phase: number; atMs: number }
  | { event: 'decide'; id: number; leader: number; isLeader: boolean; atMs: number }
  | { event: 'drop'; id: number; reason: string; detail: string; from: string }
  | ({ event: 'result' } & NodeResult)
  | ({ event: 'result' } & MeshNodeResult)
  | ErrorEvent;

/**
 * The failure of a node process as its last event: the same message as its stderr line, its
 * exit status, and the error's code if it is one of ours. The launcher decides on `code` (it
 * retries on 'PortInUse'), never on the wording.
 */
export interface ErrorEvent {
  readonly event: 'error';
  readonly message: string;
  readonly exitCode: number;
  readonly code?: HsRingErrorCode;
}

export function errorEvent(err: unknown): ErrorEvent {
  if (err instanceof HsRingError) return { event: 'error', message: err.message, exitCode: NODE_PROCESS_STATUS.refused, code: err.code };
  return { event: 'error', message: `internal error: ${(err as Error)?.message ?? String(err)}`, exitCode: NODE_PROCESS_STATUS.bug };
}

/** A host event as the line a node process prints. */
export function lineOf(e: HostEvent): NodeLine {
  switch (e.event) {
    case 'ready':
      return { event: 'ready', id: e.id, listen: formatAddress(e.listen) };
    case 'drop':
      return { event: 'drop', id: e.id, reason: e.reason, detail: e.detail, from: formatAddress(e.from) };
    default:
      return e;
  }
}

/** Writes one line of the protocol on stdout. */
export function emitLine(line: NodeLine): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}
