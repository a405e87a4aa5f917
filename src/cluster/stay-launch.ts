/**
 * The run of `hs-ring launch --stay`: members that stay up for a while, with the leader killed
 * (SIGKILL, restarted on its state dir a lease later), paused (SIGSTOP, SIGCONT after twice its
 * lease) or told to resign (SIGTERM, restarted once it exited) at intervals; each failover is
 * told as it happens, and the run is judged by stay-report.ts.
 */
import { DEFAULT_TIMING } from '../core/leadership/settings.js';
import { type StayCluster, type StayClusterOptions, withStayCluster } from './stay-cluster.js';
import type { StayFault, StayReport } from './stay-report.js';

export interface StayRunOptions extends StayClusterOptions {
  readonly durationMs: number;
  readonly killEveryMs?: number;
  readonly pauseEveryMs?: number;
  readonly resignEveryMs?: number;
  /** Told each failover as it happens, and (with `verbose`) each leader that took office unprovoked. */
  readonly progress: (line: string) => void;
  readonly verbose: boolean;
}

const FAULT_WORDS: Record<StayFault, string> = { kill: 'kill', pause: 'pause', resign: 'resign', isolate: 'isolation' };

/** Starts the members, injects the faults for the duration, stops them and judges the run. */
export function runStayFaults(o: StayRunOptions): Promise<StayReport> {
  return withStayCluster(o, async (c) => {
    o.progress(`${o.ids.length} members ready on ${o.host}: ${o.ids.join(', ')}`);
    if (o.verbose && c.leader) o.progress(`epoch ${c.leader.epoch}: leader ${c.leader.id} in office`);
    const timers: NodeJS.Timeout[] = [];
    let stopping = false;
    /** The last fault whose successor has not yet been seen. */
    let pending: { fault: StayFault; id: number; at: number } | null = null;
    let failovers = 0;
    c.onLine((l) => {
      if (l.event !== 'leader') return;
      if (pending) {
        failovers += 1;
        o.progress(`failover ${failovers}: epoch ${l.epoch}, leader ${l.id} in office ${(l.hostMs - pending.at).toFixed(1)} ms after the ${FAULT_WORDS[pending.fault]} of ${pending.id}`);
        pending = null;
      } else if (o.verbose && !stopping) {
        o.progress(`epoch ${l.epoch}: leader ${l.id} in office`);
      }
    });
    /** The leader, if it is in office and its process runs: the one a fault may hit. */
    const target = (): number | undefined => (c.leader !== null && pending === null && c.running(c.leader.id) ? c.leader.id : undefined);
    const every = (ms: number | undefined, hit: (c: StayCluster, id: number) => StayFault) => {
      if (ms === undefined) return;
      timers.push(setInterval(() => {
        const id = target();
        if (id === undefined || stopping) return;
        const fault = hit(c, id);
        // hit() recorded the fault last, on the observer's clock.
        pending = { fault, id, at: c.events.at(-1)!.at };
      }, ms));
    };
    const restartAfter = (id: number, ms: number) =>
      timers.push(setTimeout(() => void c.gone(id).then(() => {
        // A member that cannot restart shows in the report as fewer failovers, not as a crash of the launcher.
        if (!stopping) c.start(id).catch(() => undefined);
      }), ms));
    every(o.killEveryMs, (c, id) => {
      c.kill(id);
      // Restarted on its state dir a lease later: it must keep the promises it made before the kill.
      restartAfter(id, DEFAULT_TIMING.lease);
      return 'kill';
    });
    every(o.pauseEveryMs, (c, id) => {
      c.pause(id);
      // Twice the lease: the ring must not wait for it, and it must find its lease gone on waking.
      timers.push(setTimeout(() => c.resume(id), 2 * DEFAULT_TIMING.lease));
      return 'pause';
    });
    every(o.resignEveryMs, (c, id) => {
      c.resign(id);
      restartAfter(id, 0);
      return 'resign';
    });
    try {
      await c.sleep(o.durationMs);
    } finally {
      stopping = true;
      for (const t of timers) clearTimeout(t);
    }
    return c.stop();
  });
}
