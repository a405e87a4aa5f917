/**
 * MessageCount, exactly: compares the messages a run sent, hop by hop and per kind, with the
 * naive reference's journeys (reference-counts.ts). With every journey run to its full length the
 * counts per kind equal the reference, which depends only on the arrangement of ids. The one
 * thing a schedule may change is where late traffic stops: a probe or reply that reaches a node
 * which has already decided is dropped there (DiscardLate, or never handed to a finished node's
 * core), so it and whatever would have followed it are never sent. Everything else is exact.
 */
import type { Direction, Message } from '../../src/core/types.js';
import type { ObservedStep } from './observed-step.js';
import { type Journey, type KindCounts, type Way, referenceCounts } from './reference-counts.js';

/** What the check found, for failure messages: the counts and the first few problems. */
export interface CountReport {
  readonly sent: KindCounts;
  readonly reference: KindCounts;
  readonly problems: string[];
}

interface Seen {
  readonly journey: Journey;
  /** Probe hop numbers sent, and reply hops sent. */
  readonly probeHops: Set<number>;
  replyHops: number;
  /** The journey's latest message sent, and whether (once delivered) a node that had not decided took it. */
  last: { id: string; taken?: boolean } | undefined;
  /** Index of the step that delivered the final reply to the origin, if an undecided origin took it. */
  replyHomeAt: number | undefined;
}

const key = (origin: number, phase: number, way: Way) => `${origin}/${phase}/${way}`;
const wayOf = (d: Direction): Way => (d === 'right' ? 1 : -1);

/**
 * Checks a finished run's steps against `journeys` on the ring `ids`: every message is a predicted
 * hop, sent once; a journey stops short only at a node that had decided; an origin starts phase
 * k+1 exactly when both phase-k replies came home to it undecided, and never before; a node sends
 * nothing after deciding; each node sends the announcement once. `delivered` says whether every
 * message sent must also have been delivered (exactly-once channels that run to quiescence).
 */
export function checkCounts(ids: readonly number[], journeys: readonly Journey[], steps: readonly ObservedStep[], delivered: boolean): CountReport {
  const n = ids.length;
  const problems: string[] = [];
  const fail = (p: string) => {
    if (problems.length < 5) problems.push(p);
  };
  const seen = new Map<string, Seen>();
  for (const j of journeys) seen.set(key(j.origin, j.phase, j.way), { journey: j, probeHops: new Set(), replyHops: 0, last: undefined, replyHomeAt: undefined });
  const sent: KindCounts = { probe: 0, reply: 0, announcement: 0 };
  const announcements = new Array<number>(n).fill(0);
  /** Step index at which each origin sent its phase-k probes. */
  const phaseStart = new Map<string, number>();
  const pending = new Map<string, number>();

  const journeyOf = (m: Message, travel: Direction): Seen | undefined => {
    if (m.kind === 'probe') return seen.get(key(m.origin, m.phase, wayOf(travel)));
    if (m.kind === 'reply') return seen.get(key(m.origin, m.phase, -wayOf(travel) as Way));
    return undefined;
  };
  const messageId = (m: Message, travel: Direction, hop: number) => `${m.kind}/${m.kind === 'announcement' ? m.leader : `${m.origin}/${m.phase}`}/${travel}/${hop}`;

  steps.forEach((s, at) => {
    const id = ids[s.position]!;
    if (s.received) {
      const m = s.received.message;
      const travel: Direction = s.received.from === 'left' ? 'right' : 'left';
      const j = journeyOf(m, travel);
      if (j) {
        const taken = !s.decidedBefore;
        // The first arrival counts: a copy delivered again later brings nothing back.
        if (m.kind === 'reply' && m.origin === id && taken) j.replyHomeAt ??= at;
        const mid = messageId(m, travel, m.kind === 'probe' ? m.hops : j.replyHops);
        if (j.last?.id === mid) j.last.taken = taken;
        pending.delete(mid);
      } else if (m.kind === 'announcement') pending.delete(messageId(m, travel, 0) + `@${s.position}`);
    }
    if (s.decidedBefore && s.sent.length > 0) {
      fail(`node ${id} sent ${s.sent.map((x) => x.message.kind).join(', ')} after it had decided`);
    }
    for (const { direction, message: m } of s.sent) {
      sent[m.kind] += 1;
      if (m.kind === 'announcement') {
        announcements[s.position]! += 1;
        const to = direction === 'right' ? (s.position + 1) % n : (s.position + n - 1) % n;
        pending.set(messageId(m, direction, 0) + `@${to}`, at);
        continue;
      }
      const j = journeyOf(m, direction);
      const what = `${m.kind} of ${m.origin} in phase ${m.phase} travelling ${direction}`;
      if (!j) {
        fail(`node ${id} sent a ${what}, a journey the reference never makes`);
        continue;
      }
      let hop: number;
      if (m.kind === 'probe') {
        hop = m.hops;
        if (m.hops < 1 || m.hops > j.journey.probeHops) fail(`node ${id} sent a ${what} at hop ${m.hops}; it stops after ${j.journey.probeHops}`);
        if (j.probeHops.has(m.hops)) fail(`node ${id} sent hop ${m.hops} of a ${what} twice`);
        j.probeHops.add(m.hops);
        if (m.hops === 1) phaseStart.set(`${m.origin}/${m.phase}`, at);
      } else {
        j.replyHops += 1;
        hop = j.replyHops;
        if (j.replyHops > j.journey.replyHops) fail(`node ${id} sent a ${what}: reply hop ${j.replyHops}, but it travels ${j.journey.replyHops}`);
      }
      const mid = messageId(m, direction, hop);
      j.last = { id: mid };
      pending.set(mid, at);
    }
  });

  if (delivered && pending.size > 0) fail(`${pending.size} messages were sent but never delivered, e.g. ${[...pending.keys()][0]}`);
  announcements.forEach((a, i) => {
    if (a !== 1) fail(`node ${ids[i]} sent the announcement ${a} times, not once`);
  });

  const byOrigin = new Map<number, Seen[][]>();
  for (const j of seen.values()) {
    const phases = byOrigin.get(j.journey.origin) ?? [];
    (phases[j.journey.phase] ??= []).push(j);
    byOrigin.set(j.journey.origin, phases);
  }
  for (const [origin, phases] of byOrigin) {
    for (let k = 0; k < phases.length; k++) {
      const both = phases[k]!;
      const startedAt = phaseStart.get(`${origin}/${k}`);
      const started = both.filter((j) => j.probeHops.size > 0).length;
      if (startedAt === undefined) {
        if (started > 0) fail(`${origin} probed phase ${k} at hop 1 on no side`);
        // A phase never started: the previous one must have been cut short by a decided node.
        if (k > 0 && phaseStart.has(`${origin}/${k - 1}`) && phases[k - 1]!.every((j) => complete(j) && j.replyHomeAt !== undefined)) {
          fail(`${origin} got both phase-${k - 1} replies back undecided but never started phase ${k}`);
        }
        continue;
      }
      if (started !== both.length) fail(`${origin} started phase ${k} on ${started} of ${both.length} sides`);
      if (k > 0) {
        const before = phases[k - 1]!;
        const back = before.map((j) => j.replyHomeAt);
        if (back.some((at) => at === undefined || at > startedAt)) fail(`${origin} started phase ${k} before both of its phase-${k - 1} replies were back`);
      }
      for (const j of both) {
        if (complete(j)) continue;
        // A journey cut short: its last message must have met a node that had already decided.
        if (j.last?.taken === true) {
          fail(`the ${describe(j)} stopped after ${j.probeHops.size} probe and ${j.replyHops} reply hops (reference: ${j.journey.probeHops} and ${j.journey.replyHops}) at a node that had not decided`);
        } else if (j.last?.taken === undefined && delivered) {
          fail(`the ${describe(j)} stopped with its last message never delivered`);
        }
      }
    }
  }
  return { sent, reference: referenceCounts(journeys, n), problems };
}

function complete(j: Seen): boolean {
  return j.probeHops.size === j.journey.probeHops && j.replyHops === j.journey.replyHops;
}

function describe(j: Seen): string {
  return `phase-${j.journey.phase} probe of ${j.journey.origin} going ${j.journey.way === 1 ? 'right' : 'left'}`;
}

/** The report as one line per problem, with the counts per kind, for a test failure. */
export function formatReport(r: CountReport): string {
  const kinds = (['probe', 'reply', 'announcement'] as const).map((k) => `${k} ${r.sent[k]}/${r.reference[k]}`).join(', ');
  return `sent/reference: ${kinds}\n${r.problems.join('\n')}`;
}
