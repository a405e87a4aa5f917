/** The same elections without the link layer: rings of bare-peer processes, for the latency comparison. */
import { fileURLToPath } from 'node:url';
import { nodeProcessV8Flags } from '../runtime/v8-flags.js';
import { busySince, machineBusyMs } from './machine-cpu.js';
import { killPeers, nextLine, spawnPeers } from './peers.js';

const barePeer = fileURLToPath(new URL('./bare-peer.js', import.meta.url));

/** Longer than this after the start signal means a datagram was lost: with no link layer nothing resends it. */
const BARE_TIMEOUT_MS = 10_000;

/** Starting 64 Node.js processes on a saturated 2-CPU machine can take tens of seconds (launch allows 120+). */
const READY_TIMEOUT_MS = 180_000;

/** A wrapper that rejects with `message` once `ms` have passed since it was made, for every promise it is given. */
function withTimeout(ms: number, message: string): <T>(p: Promise<T>) => Promise<T> {
  const deadline = performance.now() + ms;
  return <T>(p: Promise<T>) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), Math.max(0, deadline - performance.now()));
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  };
}

/** One election of n bare processes (see bare-peer.ts), the same ids as a real one. */
export interface BareElection {
  /** From the start signal to the last decision (ms); null if some node never decided (a datagram was lost). */
  readonly electionMs: number | null;
  readonly decided: number;
  /** Every node decided, and on the largest id. */
  readonly elected: boolean;
  /** Datagrams sent, one per algorithm message: there are no others. */
  readonly datagrams: number;
  /** Busy CPU of the whole machine from the start signal to the last decision (ms), or null without /proc. */
  readonly cpuMs: number | null;
}

/**
 * Runs HS with ring order `ids` as n separate processes with our core and codec but no link
 * layer, started the way `launch` starts nodes (same V8 flags, warmed up, one "start" line each,
 * timed from that signal to the last decision). The difference to a real election is what the
 * reliability layer and the node runtime cost; the bare time itself is what this machine allows.
 */
export async function runBareElection(ids: readonly number[]): Promise<BareElection> {
  const n = ids.length;
  const peers = spawnPeers(barePeer, n, nodeProcessV8Flags(1));
  try {
    // A peer that wedges without exiting must fail this run, not hang the bench.
    const ready = withTimeout(READY_TIMEOUT_MS, `bare election: ${n} processes not ready within ${READY_TIMEOUT_MS / 1000} s`);
    const ports: number[] = [];
    for (const l of peers.lines) ports.push(Number(await ready(nextLine(l, 'bare election'))));
    peers.children.forEach((c, i) =>
      c.stdin!.write(JSON.stringify({ id: ids[i], left: ports[(i - 1 + n) % n], right: ports[(i + 1) % n] }) + '\n'),
    );
    for (const l of peers.lines) await ready(nextLine(l, 'bare election'));
    let decided = 0;
    let onMax = 0;
    const max = Math.max(...ids);
    let datagrams = 0;
    let lastDecisionMs = 0;
    let cpuMs: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const busyAtStart = machineBusyMs();
    const startAt = performance.now();
    const allDecided = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, BARE_TIMEOUT_MS);
      for (const l of peers.lines) {
        // A broken pipe is a peer that never decides: the timeout reports it.
        void l.next().catch(() => ({ value: undefined, done: true })).then(({ value, done }) => {
          if (done) return;
          const [, leader, sent] = String(value).split(' ');
          decided += 1;
          if (Number(leader) === max) onMax += 1;
          datagrams += Number(sent);
          lastDecisionMs = performance.now() - startAt;
          if (decided === n) {
            cpuMs = busySince(busyAtStart);
            resolve();
          }
        });
      }
    });
    for (const c of peers.children) c.stdin!.write('start\n');
    await allDecided;
    clearTimeout(timer);
    return { electionMs: decided === n ? lastDecisionMs : null, decided, elected: onMax === n, datagrams, cpuMs };
  } finally {
    killPeers(peers);
  }
}
