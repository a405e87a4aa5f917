/**
 * Leader election with hs-ring's leadership service, through its public API only: each replica
 * process runs one member of a ring listed in a ring file (`connect` is its path; each member
 * carries a `name`, the replica's). The token is the epoch the member leads; the signal is the
 * member's own AbortSignal, which fires stepDownMargin before the majority-granted lease can end.
 * No server: the replicas are the ensemble, and a majority of them must be up to elect.
 */
import { readFileSync } from 'node:fs';
import { createMember, type HsRingMember, type LeadershipTiming } from 'hs-ring';
import { CoordinatorUnavailableError, type Coordinator, type CoordinatorOptions, type Term } from './coordinator.js';

/** A ring file as the chaos harness writes it: hs-ring's `{members: [{id, host, port}]}` plus each replica's name. */
export interface NamedRingFile {
  readonly members: readonly { readonly id: number; readonly host: string; readonly port: number; readonly name: string }[];
}

/**
 * The protocol timing for a lease of `leaseMs`: the library's defaults (lease 500 ms) scaled to it,
 * so heartbeats, suspicion, back-off and attempt timeout keep their ratios to the lease (ten
 * renewals per lease, which 20 % loss cannot starve). Drift bound and grant margin stay as they are.
 */
export function ringTiming(leaseMs: number, stepDownMarginMs: number): Partial<LeadershipTiming> {
  const f = leaseMs / 500;
  return {
    lease: leaseMs, stepDownMargin: stepDownMarginMs,
    heartbeat: 50 * f, suspicion: 150 * f, backoff: 100 * f, attemptTimeout: 250 * f,
  };
}

class RingCoordinator implements Coordinator {
  readonly kind = 'ring' as const;
  /** The office the member holds now, if its signal has not fired. */
  private office: Term | undefined;
  private readonly waiters = new Set<{ resolve: (t: Term) => void; reject: (e: Error) => void }>();

  constructor(private readonly member: HsRingMember) {
    // The member may take office between two campaigns (while the worker resigns, say): kept for the next.
    member.on('leader', ({ epoch, signal }) => {
      const term: Term = { token: BigInt(epoch), signal };
      this.office = term;
      for (const w of this.waiters) w.resolve(term);
      this.waiters.clear();
    });
    member.on('deposed', () => { this.office = undefined; });
    member.on('failed', ({ error }) => this.rejectAll(error));
    member.start();
  }

  campaign(): Promise<Term> {
    const o = this.office;
    if (o && !o.signal.aborted) return Promise.resolve(o);
    const state = this.member.status().state;
    if (state === 'closed' || state === 'failed') return Promise.reject(new Error(`ring member ${this.member.id} is ${state}`));
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject }));
  }

  async resign(): Promise<void> {
    this.office = undefined;
    await this.member.resign();
  }

  async close(): Promise<void> {
    this.rejectAll(new Error('closed'));
    await this.member.close();
  }

  private rejectAll(err: Error): void {
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }
}

/**
 * The member for replica `opts.name` from the ring file at `opts.connect`, keeping its promises in
 * `opts.stateDir` (which must outlive the process: a restarted member must remember them).
 */
export async function ringCoordinator(opts: CoordinatorOptions): Promise<Coordinator> {
  if (!opts.stateDir) throw new CoordinatorUnavailableError('the ring coordinator needs a state directory per replica (--state-dir)');
  let file: NamedRingFile;
  try {
    file = JSON.parse(readFileSync(opts.connect, 'utf8')) as NamedRingFile;
  } catch (err) {
    throw new CoordinatorUnavailableError(`ring file ${opts.connect}: ${(err as Error).message}`);
  }
  const self = file.members?.find((m) => m.name === opts.name);
  if (!self) throw new CoordinatorUnavailableError(`ring file ${opts.connect}: no member named ${opts.name}`);
  const member = await createMember({
    ring: file.members.map(({ id, host, port }) => ({ id, host, port })),
    self: self.id,
    stateDir: opts.stateDir,
    timing: ringTiming(opts.leaseMs, opts.stepDownMarginMs),
    // One loss sequence per member: the run's seed and the member's id.
    ...(opts.loss ? { faults: { loss: opts.loss, seed: ((opts.seed ?? 1) * 1000 + self.id) % 2 ** 32 } } : {}),
  });
  return new RingCoordinator(member);
}
