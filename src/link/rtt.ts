/**
 * Round-trip estimator of RFC 6298 (Jacobson/Karels): only samples from frames sent once are
 * used (Karn's rule), so a retransmission's ambiguous ack never skews the estimate.
 */
export class RttEstimator {
  /** NaN until the first sample: a field that is always a number is updated in place, not boxed anew per sample. */
  private srtt = Number.NaN;
  private rttvar = 0;

  constructor(
    private readonly initialRtoMs: number,
    private readonly minRtoMs: number,
    private readonly maxRtoMs: number,
  ) {}

  sample(rttMs: number): void {
    if (Number.isNaN(this.srtt)) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
      return;
    }
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
    this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
  }

  /** Current timeout for a first transmission. */
  rto(): number {
    const raw = Number.isNaN(this.srtt) ? this.initialRtoMs : this.srtt + 4 * this.rttvar;
    return Math.min(this.maxRtoMs, Math.max(this.minRtoMs, raw));
  }

  /** Smoothed round trip, if any sample exists. */
  smoothed(): number | undefined {
    return Number.isNaN(this.srtt) ? undefined : this.srtt;
  }
}
