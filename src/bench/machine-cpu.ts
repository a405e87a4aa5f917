/** Busy CPU of the whole machine from /proc/stat, to put a CPU cost on each datagram. */
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc/stat counts in these ticks on every Linux Node.js runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time the whole machine has spent busy (user, nice, system, irq, softirq) since boot, in
 * ms, from /proc/stat; null where there is none. The latency bench reads it around an election
 * and around the bare relay ring: on 2 CPUs shared by 64 processes the election is CPU-bound, so
 * CPU per datagram is what separates our node processes from the machine's floor. It counts
 * everything on the machine, so it is only meaningful on an otherwise quiet one.
 */
export function machineBusyMs(): number | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const f = line?.trim().split(/\s+/).slice(1).map(Number);
  if (!f || f.length < 7 || f.some((x) => !Number.isFinite(x))) return null;
  const [user, nice, system, , , irq, softirq] = f as [number, number, number, number, number, number, number];
  return ((user + nice + system + irq + softirq) * 1000) / TICKS_PER_SECOND;
}

/** Busy CPU ms of the machine between `start` and now, or null where unmeasurable. */
export function busySince(start: number | null): number | null {
  const now = machineBusyMs();
  return start === null || now === null ? null : now - start;
}

/** Below this much busy CPU a /proc/stat reading (10 ms ticks) is too coarse to divide by a datagram count. */
export const MIN_READABLE_BUSY_MS = 50;

/** µs of busy CPU per datagram from totals over several runs, or null when the CPU read is too coarse. */
export function cpuPerDatagram(busyMs: number, datagrams: number): number | null {
  return busyMs < MIN_READABLE_BUSY_MS || datagrams <= 0 ? null : Math.round((busyMs * 1000) / datagrams);
}
