/**
 * What `npm run mutation` mutates, and the focused tests that must kill each folder's mutants.
 * One entry per folder of src/: adding a folder (src/node once it exists) is one more line.
 * Each test list is chosen to run in seconds, so a mutant costs seconds and one that makes a
 * node loop hits the short timeout instead of the suite's minutes.
 */
export interface MutationFolder {
  /** A folder of src/, mutated file by file. */
  readonly folder: string;
  /** Test files (as ava names them, test/...ts) that run against every mutant of the folder. */
  readonly tests: readonly string[];
  /** Files of the folder left unmutated: only types and re-exports, nothing that can be wrong at run time. */
  readonly skip?: readonly string[];
}

export const MUTATION_FOLDERS: readonly MutationFolder[] = [
  {
    folder: 'src/core',
    tests: ['test/core/hs.test.ts', 'test/core/core-contract.test.ts', 'test/properties/message-count.test.ts'],
    skip: ['index.ts', 'election-core.ts'],
  },
  {
    folder: 'src/link',
    tests: ['test/link/link-contract.test.ts', 'test/link/link-rules.test.ts', 'test/link/replay.test.ts', 'test/link/exactly-once.test.ts'],
    skip: ['index.ts'],
  },
];
