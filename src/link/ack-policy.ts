/**
 * When one link sends its acknowledgement, in one place: it rides on the next data frame going
 * back, or goes alone after the ack delay; a duplicate, and anything a finished node receives, is
 * answered at once (spec/protocol.md §4). Functions over the link's own two flags, so a big
 * simulated ring holds no extra object per link.
 */
export interface AckState {
  /** Data arrived that no frame sent since has acknowledged. */
  ackOwed: boolean;
  ackTimerSet: boolean;
}

/**
 * After an input: 'now' to send a pure ack at once (nothing will carry it: the node is finished,
 * or acks are not delayed), 'arm' to set the ack timer for the ack delay, or 'wait'.
 */
export function ackAfterInput(s: AckState, finished: boolean, ackDelayMs: number): 'now' | 'arm' | 'wait' {
  if (!s.ackOwed) return 'wait';
  if (finished || ackDelayMs === 0) return 'now';
  if (s.ackTimerSet) return 'wait';
  s.ackTimerSet = true;
  return 'arm';
}

/**
 * A data frame arrived: an ack is owed. True if it must go at once: a duplicate means our earlier
 * ack may be lost, so it is answered now rather than after a delay.
 */
export function ackOnData(s: AckState, duplicate: boolean): boolean {
  s.ackOwed = true;
  return duplicate;
}

/** A frame left carrying the ack; true if an armed ack timer must be cancelled (it would wake us for nothing). */
export function ackSent(s: AckState): boolean {
  s.ackOwed = false;
  if (!s.ackTimerSet) return false;
  s.ackTimerSet = false;
  return true;
}

/** The ack timer fired; true if a pure ack must go now. */
export function ackTimerFired(s: AckState): boolean {
  s.ackTimerSet = false;
  return s.ackOwed;
}
