/** Where a node sits (its address and both neighbours'): the checks every way of starting a node shares. */
import { ConfigError } from '../errors.js';
import { checkPeerHost, familyProblem, formatAddress, sameAddress } from './address.js';
import type { Direction } from '../core/types.js';
import type { Placement } from './ring-file.js';

/** The three addresses of a placement, as a caller names them in its messages. */
export type PlacementPart = 'listen' | 'left' | 'right';

/**
 * The one check of where a node sits, for every way a node is configured: `hs-ring node`'s
 * flags (names `--left`, ...), each member of a ring file, and the config a node process reads
 * on stdin (launch's children, or one driven by hand). Returns `p`, or throws a ConfigError
 * naming the part as `name` does if a neighbour
 * - is a wildcard (0.0.0.0, ::): no datagram ever comes from one, so the node would drop every
 *   frame of that neighbour as from an unknown sender;
 * - is of the other address family than `listen`: a socket speaks one family, and every send
 *   would fail silently until the timeout;
 * - is the node's own address on one side only: only a ring of one is its own neighbour, and
 *   then on both sides.
 */
export function checkPlacement(p: Placement, name: (side: Direction) => string): Placement {
  for (const side of ['left', 'right'] as const) {
    checkPeerHost(p[side].host, name(side));
    const problem = familyProblem(p.listen, p[side]);
    if (problem) throw new ConfigError(`${name(side)}: ${problem}`);
  }
  const selfLeft = sameAddress(p.listen, p.left);
  if (selfLeft !== sameAddress(p.listen, p.right)) {
    const side = selfLeft ? 'left' : 'right';
    throw new ConfigError(
      `${name(side)}: ${formatAddress(p[side])} is the node's own listen address; only a ring of one (both sides) may be`,
    );
  }
  return p;
}
