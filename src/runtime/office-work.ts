/** runWhileLeader's part shared by the member and its worker-thread proxy: work in one office, released once it has all returned. */
import type { Epoch } from '../core/leadership/types.js';

/** What work in office needs: its token, its signal, and the work still running in it. */
export interface WorkingOffice {
  readonly epoch: Epoch;
  readonly controller: AbortController;
  /** runWhileLeader work still running in this office. */
  working: number;
  readonly settled: Set<Promise<unknown>>;
}

/**
 * Runs `work(token, signal)` in `office` and returns what it returns. Once the last work in the
 * office has returned, and only then, `release` resigns it if it is still `current()`: a
 * successor may take office before this lease ends only when nothing here acts any more.
 */
export async function runInOffice<T>(
  office: WorkingOffice,
  work: (token: Epoch, signal: AbortSignal) => Promise<T> | T,
  current: () => boolean,
  release: () => unknown,
): Promise<T> {
  office.working += 1;
  const run = (async () => work(office.epoch, office.controller.signal))();
  office.settled.add(run);
  try {
    return await run;
  } finally {
    office.working -= 1;
    office.settled.delete(run);
    if (office.working === 0 && current()) await release();
  }
}
