/**
 * The hs-ring coordinator: it will lead through the leadership service's public API (a `leader`
 * event with the epoch as token and an AbortSignal that fires before the lease ends). Until that
 * service lands, asking for it fails with a clear CoordinatorUnavailableError.
 */
import { CoordinatorUnavailableError, type Coordinator } from './coordinator.js';

export const ringUnavailable =
  'the ring coordinator needs hs-ring\'s leadership service (majority-granted leases with epochs as fencing tokens), which has not landed yet; use --coordinator zookeeper or etcd';

export function ringCoordinator(): Coordinator {
  throw new CoordinatorUnavailableError(ringUnavailable);
}
