/**
 * One simulated election case in a form a person can read (ids, order, seed, network), the
 * simulator options it stands for and the `hs-ring sim` command line that runs it. The property
 * tests generate these (test/properties/cases.ts); `hs-ring sim --replay` rebuilds one.
 */
import { type Algorithm, coreFor } from './algorithms.js';
import { type Order, arrange } from './orders.js';
import type { LinkMode } from './link-mode.js';
import type { NetworkModel } from './network-model.js';
import type { SimOptions } from './simulator.js';

/** One generated simulation: everything `simulate()` needs, in a form a person can read. */
export interface SimCase {
  readonly algorithm: Algorithm;
  /** Unique ids before placement; `order` places them on the ring. */
  readonly ids: readonly number[];
  readonly order: Order;
  readonly seed: number;
  readonly network: NetworkModel;
}

/** The simulator options a case stands for, over the full link unless `linkMode` says otherwise. */
export function simOptionsFor(c: SimCase, linkMode: LinkMode = 'full'): SimOptions {
  const core = coreFor(c.algorithm);
  return { ids: arrange(c.ids, c.order), seed: c.seed, network: c.network, core, ...(linkMode === 'full' ? {} : { linkMode }) };
}

/** The `hs-ring sim` command line that runs exactly this case (over ideal channels if `ideal`). */
export function simCommandFor(c: SimCase, ideal = false): string {
  const m = c.network;
  return [
    'hs-ring sim',
    ideal ? '--link ideal' : '',
    `--algorithm ${c.algorithm}`,
    `--ids ${arrange(c.ids, c.order).join(',')}`,
    `--seed ${c.seed}`,
    ideal ? '' : `--loss ${m.loss} --dup ${m.duplicate}`,
    m.reorder ? '--reorder' : '',
    `--delay ${m.delayMs[0]}-${m.delayMs[1]}`,
    m.fifo ? '--fifo' : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
}

/** Splits "SEED:PATH" (the path itself is colon-separated, e.g. "-1234:5:0:2"). */
export function parseReplay(replay: string): { seed: number; path: string } {
  const m = /^(-?\d+):(\d+(?::\d+)*)$/.exec(replay.trim());
  if (!m) throw new RangeError(`--replay wants SEED:PATH as printed by a failing property, got "${replay}"`);
  return { seed: Number(m[1]), path: m[2]! };
}
