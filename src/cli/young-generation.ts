/** Re-running a long simulation in a Node with a larger young generation. */
import { spawnSync } from 'node:child_process';
import { EXIT } from './exit-codes.js';

/** Young-generation size for long full-link simulations, MB: short-lived frames then die before promotion. */
const SEMI_SPACE_MB = 64;

/**
 * Runs this same command again in a child Node with a larger young generation, unless this is
 * that child. V8 reads the size only at start-up; on a ring of 100,000 over the full link the
 * run is much shorter (`hs-ring bench --only scale`), since frames and messages then die young
 * instead of being promoted. True if the child ran (its exit code is ours).
 */
export function reexecWithBiggerYoungGeneration(): boolean {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return false;
  const child = spawnSync(process.execPath, [`--max-semi-space-size=${SEMI_SPACE_MB}`, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  if (child.error) return false;
  process.exitCode = child.status ?? EXIT.internal;
  return true;
}
