/** The leadership simulator: members, faults, an outside observer and a fenced resource. */
export * from './simulator.js';
export * from './faults.js';
export * from './observer.js';
export * from './store.js';
export * from './clock.js';
