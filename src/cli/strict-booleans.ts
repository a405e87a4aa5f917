/**
 * Switches (--json, --reorder, ...) given a value must be given true or false: yargs reads any
 * other value (`--json=maybe`) as false, which silently runs something other than what was asked.
 */
import { InvalidConfigError } from '../errors.js';

/** Throws InvalidConfigError for the first `--name=value` in `args` whose `name` is a switch and `value` neither true nor false. */
export function checkSwitchValues(args: readonly string[], switches: readonly string[]): void {
  for (const arg of args) {
    if (arg === '--') return;
    const m = /^--(?:no-)?([^=]+)=(.*)$/s.exec(arg);
    if (!m || !switches.includes(m[1]!)) continue;
    if (m[2] !== 'true' && m[2] !== 'false') {
      throw new InvalidConfigError(`--${m[1]} is a switch: give it alone, or =true / =false, not "${m[2]}"`);
    }
  }
}
