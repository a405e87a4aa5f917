/** Launching a ring on ports the OS says are free, retrying when one was taken in between. */
import { PortInUseError } from '../errors.js';
import { reserveUdpPorts } from '../transport/ports.js';

/** Tries of launchOnFreePorts before a taken port is reported. */
const PORT_TRIES = 3;

/**
 * Launches on ports the OS says are free. They are released before the node processes bind
 * them, so another program (or another launch) can take one in between; the node then fails to
 * start before any election began, and choosing fresh ports is safe and almost always enough.
 */
export async function launchOnFreePorts<T>(host: string, count: number, launch: (ports: readonly number[]) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await reserveUdpPorts(host, count));
    } catch (err) {
      // On the cause the node reported (its error event's code), not on the wording of the message.
      if (!(err instanceof PortInUseError) || attempt >= PORT_TRIES) throw err;
    }
  }
}
