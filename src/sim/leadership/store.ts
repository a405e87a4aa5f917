/**
 * A member's state directory as the disk sees it, written the way the runtime must write it:
 * write a temporary file, fsync it, rename it over the state file, fsync the directory. A crash
 * between two steps leaves the old state or the new one, never a mix; until the directory is
 * fsynced the rename itself may or may not survive.
 */
import type { Persisted } from '../../core/leadership/types.js';

/** The steps of one persist, in order. */
export const PERSIST_STEPS = ['write', 'fsync', 'rename', 'fsyncDir'] as const;
export type PersistStep = (typeof PERSIST_STEPS)[number];

export class SimStore {
  /** The state file as it survives any crash. */
  private durable: Persisted | null = null;
  /** The state file's name points here after a rename not yet made durable by fsyncDir. */
  private renamed: Persisted | null = null;
  /** The temporary file: its content, and whether it reached the disk. */
  private tmp: { state: Persisted; synced: boolean } | null = null;
  private writing: Persisted | null = null;
  /** Persists completed (fsyncDir done), for reports. */
  completed = 0;

  /** Begins writing `state`; the caller then applies the steps in order. */
  begin(state: Persisted): void {
    this.writing = state;
  }

  /** Carries out one step of the persist begun last. */
  apply(step: PersistStep): void {
    const state = this.writing;
    if (!state) throw new Error(`store: ${step} with no persist in progress`);
    switch (step) {
      case 'write':
        this.tmp = { state, synced: false };
        break;
      case 'fsync':
        if (this.tmp) this.tmp.synced = true;
        break;
      case 'rename':
        // Renaming a file whose content never reached the disk would be the classic bug; the
        // runtime fsyncs first, so the content under the new name is durable.
        if (!this.tmp?.synced) throw new Error('store: rename before fsync');
        this.renamed = this.tmp.state;
        this.tmp = null;
        break;
      case 'fsyncDir':
        if (this.renamed) this.durable = this.renamed;
        this.renamed = null;
        this.writing = null;
        this.completed += 1;
        break;
    }
  }

  /** A crash: unsynced data is lost; a rename not yet made durable survives when `renameSurvives`. */
  crash(renameSurvives: boolean): void {
    if (this.renamed && renameSurvives) this.durable = this.renamed;
    this.renamed = null;
    this.tmp = null;
    this.writing = null;
  }

  /** The directory is gone (a new disk, a deleted volume): the next start finds nothing. */
  wipe(): void {
    this.durable = null;
    this.renamed = null;
    this.tmp = null;
    this.writing = null;
  }

  /** What a starting process reads: the state file, or null when there is none. */
  load(): Persisted | null {
    return this.durable;
  }
}
