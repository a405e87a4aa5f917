/**
 * The naive reference for exact message counts: how far every probe and reply of HS (Lynch,
 * Distributed Algorithms §3.4) and every LCR token (§3.3) travels on a given arrangement of ids,
 * computed by walking the ring, never by calling the core.
 *
 * A journey is one origin's probe of one phase in one direction, with the reply that may bring it
 * back. In phase k a probe from u goes out to distance 2^k: a larger id on the way swallows it,
 * at distance 2^k it turns into a reply that travels the same distance back, and if it reaches
 * u itself the ring is shorter than 2^k and u is the maximum. u starts phase k+1 only when both
 * of its phase-k probes came back as replies. Nothing here depends on the schedule.
 */

/** A direction of travel: +1 is rightwards (to the next position), -1 leftwards. */
export type Way = 1 | -1;

/** One probe's predicted journey. */
export interface Journey {
  readonly origin: number;
  readonly phase: number;
  /** The way the probe travels out; its reply travels the other way. */
  readonly way: Way;
  /** Links the probe crosses: to the node that swallows or bounces it, or back to its origin. */
  readonly probeHops: number;
  /** Links its reply crosses back to the origin; 0 if swallowed or if it went all the way round. */
  readonly replyHops: number;
  /** The probe came back to its origin, which therefore holds the largest id. */
  readonly home: boolean;
}

/** Algorithm messages by kind, in the simulator's words. */
export interface KindCounts {
  probe: number;
  reply: number;
  announcement: number;
}

/** Every journey HS makes on the ring `ids` (position i's right neighbour is i+1 mod n). */
export function hsJourneys(ids: readonly number[]): Journey[] {
  const n = ids.length;
  const journeys: Journey[] = [];
  for (let i = 0; i < n; i++) {
    const u = ids[i]!;
    for (let phase = 0; ; phase++) {
      const distance = 2 ** phase;
      let bothBack = true;
      let leader = false;
      for (const way of [-1, 1] as const) {
        let hops = 0;
        let outcome: 'swallowed' | 'bounced' | 'home' | undefined;
        while (outcome === undefined) {
          hops += 1;
          const j = (((i + way * hops) % n) + n) % n;
          if (j === i) outcome = 'home';
          else if (ids[j]! > u) outcome = 'swallowed';
          else if (hops === distance) outcome = 'bounced';
        }
        journeys.push({ origin: u, phase, way, probeHops: hops, replyHops: outcome === 'bounced' ? hops : 0, home: outcome === 'home' });
        if (outcome !== 'bounced') bothBack = false;
        if (outcome === 'home') leader = true;
      }
      if (leader || !bothBack) break;
    }
  }
  return journeys;
}

/** Every LCR journey: each id travels rightwards until a larger id swallows it or it comes home. */
export function lcrJourneys(ids: readonly number[]): Journey[] {
  const n = ids.length;
  return ids.map((u, i) => {
    let hops = 1;
    while ((i + hops) % n !== i && ids[(i + hops) % n]! < u) hops += 1;
    return { origin: u, phase: 0, way: 1 as const, probeHops: hops, replyHops: 0, home: (i + hops) % n === i };
  });
}

/**
 * The messages of a run in which every journey runs its full length: all probe and reply hops,
 * and the announcement's n hops round the ring from the leader back to it.
 */
export function referenceCounts(journeys: readonly Journey[], n: number): KindCounts {
  let probe = 0;
  let reply = 0;
  for (const j of journeys) {
    probe += j.probeHops;
    reply += j.replyHops;
  }
  return { probe, reply, announcement: n };
}
