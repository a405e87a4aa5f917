/** The pure election core: vocabulary, algorithms and their registry, bounds, trace events. */
export * from './types.js';
export * from './hs.js';
export * from './bound.js';
export * from './trace.js';
export * from './announcing-node.js';
export * from './election-core.js';
export * from './lcr.js';
export * from './algorithms.js';
export * from './mesh-core.js';
export * from './bully.js';
export * from './raft-election.js';
export * as leadership from './leadership/index.js';
