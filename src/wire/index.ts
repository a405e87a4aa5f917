export * from './frame.js';
export * from './codec.js';
export * from './auth.js';
