/**
 * The session proof of one link (spec/protocol.md §4): which incarnation of the peer the link
 * talks to, and on keyed rings the frames held until the peer has proven its session is fresh.
 *
 * Without a key, the first frame's session is the peer's. With a key, a session is accepted only
 * from a frame whose echo equals our own session, which is new in every run: the sender must have
 * seen a frame of ours from this run, so a recording of an earlier run is never taken for the peer.
 * Functions over the link's own fields rather than an object per link: a big simulated ring has
 * two links per node.
 */
import type { Frame } from '../wire/frame.js';

/** Keyed rings: frames of a not yet proven session held per link, at most (older ones are dropped). */
export const MAX_HELD_FRAMES = 16;

/** An authentic frame waiting for its session to be proven, with its arrival time. */
export interface HeldFrame<P> {
  readonly frame: Frame<P>;
  readonly at: number;
}

/** What a link keeps of its peer's session. */
export interface SessionState<P> {
  /** The peer's session, learnt (or, keyed, proven); frames of another session are stale. */
  peerSession: number | undefined;
  /** Keyed: the session of the latest authentic but unproven frame; we echo it so the peer can prove itself. */
  candidateSession: number | undefined;
  /** Keyed: authentic frames held until their session is proven; created on the first one. */
  held: HeldFrame<P>[] | undefined;
}

/** The session our frames echo: the proven one, else the latest seen, else 0 ("none yet"). */
export function echoOf(s: SessionState<unknown>): number {
  return s.peerSession ?? s.candidateSession ?? 0;
}

/**
 * Holds an authentic frame of an unproven session; returns the oldest held frame if that made
 * too many (the caller drops it as `unverified`).
 */
export function holdFrame<P>(s: SessionState<P>, frame: Frame<P>, at: number): HeldFrame<P> | undefined {
  s.candidateSession = frame.session;
  const held = (s.held ??= []);
  held.push({ frame, at });
  return held.length > MAX_HELD_FRAMES ? held.shift() : undefined;
}

/** Accepts `session` as the peer's and hands back the frames held so far, in arrival order. */
export function proveSession<P>(s: SessionState<P>, session: number): readonly HeldFrame<P>[] {
  s.peerSession = session;
  const held = s.held ?? NONE_HELD;
  s.held = undefined;
  return held as readonly HeldFrame<P>[];
}

const NONE_HELD: readonly HeldFrame<unknown>[] = Object.freeze([]);
