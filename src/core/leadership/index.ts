/** The leadership protocol's pure core: one member's state machine, its messages and settings. */
export * from './types.js';
export * from './settings.js';
export * from './epoch.js';
export * from './view.js';
export * from './member.js';
export * from './false-suspicion.js';
