/** The result a node reports: defined with its builder in the node layer, re-exported for the runtime's callers. */
export type { NodeOutcome, NodeResult } from '../node/result.js';
