/**
 * Preloaded into every test process of a mutation run (run.ts): a property stops at its first
 * counterexample. Any failure kills the mutant; shrinking it would only cost time, often more than
 * the mutant's timeout, which then hides which test failed.
 */
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
