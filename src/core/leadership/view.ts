/**
 * Which members this member currently sees alive: anyone heard from within the suspicion time S.
 * Liveness only (the candidate pick); no safety argument reads it. The node layer's failure
 * detector (issue 17) can feed the same record.
 *
 * It is also the failure detector whose transitions the member reports: a peer is suspected
 * once S has passed since it was last heard (or since the start, if it never was), and
 * trusted again when it is heard after that.
 */
export class View {
  private readonly lastHeard = new Map<number, number>();
  /** When each peer was last heard by a message of its own (not through a leader's view). */
  private readonly lastHeardDirectly = new Map<number, number>();
  private readonly suspected = new Set<number>();
  /** When each peer's quiet period ends on this member's clock, as its latest heartbeat told. */
  private readonly quietUntil = new Map<number, number>();
  private startedAt = -Infinity;

  constructor(
    private readonly self: number,
    private readonly suspicion: number,
    /** The members this one watches (itself excepted), in ring order. */
    private readonly peers: readonly number[] = [],
  ) {}

  /** Starts the detector's clock: a peer never heard is suspected S after `now`. */
  start(now: number): void {
    this.startedAt = now;
  }

  /** Records that `id` was heard from at local time `now`. */
  heard(id: number, now: number): void {
    this.lastHeard.set(id, now);
    this.lastHeardDirectly.set(id, now);
  }

  /** Records that a leader's Renew, received at `now`, says the leader heard `id` less than S ago. */
  heardThrough(id: number, now: number): void {
    this.lastHeard.set(id, now);
  }

  /** True when `id` is this member or sent it a message less than S ago. */
  heardDirectly(id: number, now: number): boolean {
    if (id === this.self) return true;
    const at = this.lastHeardDirectly.get(id);
    return at !== undefined && now - at < this.suspicion;
  }

  /** Records what `id`'s heartbeat heard at `now` said: `quietLeft` ms of its quiet period left. */
  heardQuiet(id: number, now: number, quietLeft: number): void {
    this.quietUntil.set(id, now + quietLeft);
  }

  /** What is left at `now` of `id`'s quiet period, as far as its latest heartbeat told (0: none). */
  quietLeft(id: number, now: number): number {
    return Math.max(0, (this.quietUntil.get(id) ?? now) - now);
  }

  /** True when `id` is this member or was heard from less than S ago. */
  alive(id: number, now: number): boolean {
    if (id === this.self) return true;
    const at = this.lastHeard.get(id);
    return at !== undefined && now - at < this.suspicion;
  }

  /** True while `id` is suspected (its last transition was a suspicion). */
  isSuspected(id: number): boolean {
    return this.suspected.has(id);
  }

  /**
   * The detector's transitions at local time `now`, peers in ring order: `suspect` for a peer silent
   * for S (since the start, if never heard), `trust` for a suspected peer heard again. Each peer
   * alternates, starting with a suspicion, so counting `suspect` counts suspicions.
   */
  transitions(now: number): { readonly kind: 'suspect' | 'trust'; readonly member: number; readonly lastHeard: number | null }[] {
    const out: { kind: 'suspect' | 'trust'; member: number; lastHeard: number | null }[] = [];
    for (const id of this.peers) {
      if (id === this.self) continue;
      const at = this.lastHeard.get(id);
      const alive = this.alive(id, now);
      if (this.suspected.has(id)) {
        if (alive) {
          this.suspected.delete(id);
          out.push({ kind: 'trust', member: id, lastHeard: at ?? null });
        }
      } else if (!alive && now - (at ?? this.startedAt) >= this.suspicion) {
        this.suspected.add(id);
        out.push({ kind: 'suspect', member: id, lastHeard: at ?? null });
      }
    }
    return out;
  }

  /** The earliest local time after `now` at which some member leaves the view or is first suspected, if any will. */
  nextChange(now: number): number | undefined {
    let next: number | undefined;
    const consider = (out: number) => {
      if (out > now && (next === undefined || out < next)) next = out;
    };
    for (const at of this.lastHeard.values()) consider(at + this.suspicion);
    if (this.peers.some((id) => id !== this.self && !this.lastHeard.has(id) && !this.suspected.has(id))) consider(this.startedAt + this.suspicion);
    return next;
  }
}
