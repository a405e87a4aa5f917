export * from './types.js';
export * from './hs.js';
export * from './bound.js';
export * from './trace.js';
export * from './announcing-node.js';
export * from './mesh-core.js';
export * from './bully.js';
export * from './raft-election.js';
