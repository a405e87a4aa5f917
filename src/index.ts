/**
 * hs-ring as a library: `import { createNode } from 'hs-ring'` for one election, createMember()
 * for leadership that outlives its leaders (fencing tokens, an AbortSignal). Each on its own UDP
 * socket; typed events; named errors with a stable `code`. docs/library.md describes the API;
 * the CLI (`hs-ring`) is one more caller of it.
 */
export {
  type AddressInput,
  type HsRingNode,
  type NodeEvents,
  type NodeOptions,
  type NodeState,
  type RingMember,
  createNode,
} from './runtime/create-node.js';
export {
  type EventLoopLag,
  type HsRingMember,
  type LeadershipDropReason,
  type LeaveReason,
  type MemberEvents,
  type MemberOptions,
  type MemberStatus,
  type Term,
  LEADERSHIP_MESSAGE_KINDS,
  createMember,
} from './runtime/leadership-member.js';
export { type MemberMetrics, type MemberMetricsOptions, type MetricsRegistry, memberMetrics } from './runtime/member-metrics.js';
export { type MetricsServer, type MetricsServerOptions, serveMetrics } from './runtime/metrics-server.js';
export { DEFAULT_TIMING, type LeadershipTiming } from './core/leadership/settings.js';
export type { HeartbeatTargets } from './core/leadership/member.js';
export { falseSuspicionRate } from './core/leadership/false-suspicion.js';
export type { Lookup } from './config/resolve.js';
export type { LinkSettings } from './runtime/link-settings.js';
export type { NodeOutcome, NodeResult } from './node/result.js';
export type { Address } from './config/address.js';
export type { DropReason } from './link/stats.js';
export type { TraceEvent } from './core/trace.js';
export { MIN_KEY_BYTES } from './config/key.js';
export { VERDICT_PROPERTIES, type Decision, type Verdict, type VerdictProperty, type Violation, describeViolation, judge } from './node/verdict.js';
export {
  AddressUnavailableError,
  CorruptStateError,
  DuplicateIdError,
  HsRingError,
  type HsRingErrorCode,
  InterruptedError,
  InvalidConfigError,
  MissingDependencyError,
  NodeClosedError,
  NodeStartError,
  OutputUnwritableError,
  PortInUseError,
} from './errors.js';
