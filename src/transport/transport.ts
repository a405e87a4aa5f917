/** The datagram transport a node sends and receives through (UDP or in memory). */
import type { Address } from '../config/address.js';

/** Receives every datagram that reaches a transport; must not throw. */
export type DatagramHandler = (bytes: Uint8Array, from: Address) => void;

/**
 * What the node runtime needs from a network: unreliable, unordered datagrams. UDP and the
 * in-memory network both satisfy it, and one test suite runs against both.
 */
export interface Transport {
  readonly local: Address;
  /** Sends one datagram; delivery is not promised and errors are counted, not thrown. */
  send(bytes: Uint8Array, to: Address): void;
  /** Installs the single receive handler; datagrams arriving before it is set are queued. */
  onDatagram(handler: DatagramHandler): void;
  close(): Promise<void>;
}
