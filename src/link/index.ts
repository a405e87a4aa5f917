export * from './config.js';
export * from './endpoint.js';
export * from './stats.js';
export * from './sender.js';
export * from './receiver.js';
