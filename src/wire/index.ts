/** The wire format: frames, their codec, election message payloads and authentication. */
export * from './frame.js';
export * from './codec.js';
export * from './message-codec.js';
export * from './auth.js';
export * from './mesh-codec.js';
export * from './leadership-codec.js';
