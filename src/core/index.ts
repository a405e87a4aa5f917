export * from './types.js';
export * from './hs.js';
export * from './bound.js';
export * from './trace.js';
export * from './announcing-node.js';
