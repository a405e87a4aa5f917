/** The generic reliable link layer: one link per peer, carrying opaque payloads. */
export * from './config.js';
export * from './output.js';
export * from './link.js';
export * from './links.js';
export * from './stats.js';
export * from './sender.js';
export * from './receiver.js';
export * from './session.js';
export * from './ack-policy.js';
