/**
 * Which members this member currently sees alive: anyone heard from within the suspicion time S.
 * Liveness only (the candidate pick); no safety argument reads it. The node layer's failure
 * detector (issue 17) can feed the same record.
 */
export class View {
  private readonly lastHeard = new Map<number, number>();

  constructor(
    private readonly self: number,
    private readonly suspicion: number,
  ) {}

  /** Records that `id` was heard from at local time `now`. */
  heard(id: number, now: number): void {
    this.lastHeard.set(id, now);
  }

  /** True when `id` is this member or was heard from less than S ago. */
  alive(id: number, now: number): boolean {
    if (id === this.self) return true;
    const at = this.lastHeard.get(id);
    return at !== undefined && now - at < this.suspicion;
  }

  /** The earliest local time after `now` at which some member leaves the view, if any will. */
  nextChange(now: number): number | undefined {
    let next: number | undefined;
    for (const at of this.lastHeard.values()) {
      const out = at + this.suspicion;
      if (out > now && (next === undefined || out < next)) next = out;
    }
    return next;
  }
}
