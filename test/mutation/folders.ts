/**
 * What `npm run mutation` mutates, and the focused tests that must kill each folder's mutants.
 * One entry per folder of src/. Each test list is chosen to run in seconds, so a mutant costs
 * seconds and one that makes a node loop hits the short timeout instead of the suite's minutes.
 */
export interface MutationFolder {
  /** A folder of src/, mutated file by file. */
  readonly folder: string;
  /** Test files (as ava names them, test/...ts) that run against every mutant of the folder. */
  readonly tests: readonly string[];
  /** Files or globs of the folder left unmutated, each for a reason given beside it. */
  readonly skip?: readonly string[];
  /** Mutated only when named on the command line (`npm run mutation -- src/core/leadership`). */
  readonly optIn?: boolean;
}

export const MUTATION_FOLDERS: readonly MutationFolder[] = [
  {
    // The ring election: HS, LCR, the announcement round they share, the bound and the registry.
    folder: 'src/core',
    tests: ['test/core/hs.test.ts', 'test/core/core-contract.test.ts', 'test/core/algorithms.test.ts', 'test/properties/message-count.test.ts'],
    skip: [
      // Only types and re-exports.
      'index.ts',
      'election-core.ts',
      // Their own folder entry below (opt-in): the leadership protocol has its own suite.
      'leadership/**',
      // The comparison cores (Bully, Raft-style, their mesh interface and registry entries) are
      // tested by test/compare, which the ring election's tests do not touch; see
      // docs/verification-mutation.md.
      'bully.ts',
      'raft-election.ts',
      'mesh-core.ts',
      'mesh-algorithms.ts',
    ],
  },
  {
    folder: 'src/link',
    tests: ['test/link/link-contract.test.ts', 'test/link/link-rules.test.ts', 'test/link/replay.test.ts', 'test/link/exactly-once.test.ts', 'test/node/node.test.ts'],
    skip: ['index.ts'],
  },
  {
    folder: 'src/node',
    tests: ['test/node/node.test.ts', 'test/node/verdict.test.ts', 'test/node/result.test.ts', 'test/node/duplicate-id.test.ts', 'test/link/link-rules.test.ts', 'test/sim/stall-report.test.ts'],
    skip: [
      // The comparison's mesh node (Bully and Raft-style election over UDP), tested by
      // test/node/mesh-pending and test/runtime/mesh-udp, which the ring's tests do not touch,
      // as for the comparison cores of src/core; see docs/verification-mutation.md.
      'mesh-node.ts',
      'mesh-result.ts',
    ],
  },
  {
    folder: 'src/core/leadership',
    tests: ['test/leadership/member.test.ts', 'test/leadership/safety.test.ts', 'test/leadership/sabotage.test.ts'],
    skip: ['index.ts', 'types.ts'],
    optIn: true,
  },
];
