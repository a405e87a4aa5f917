/**
 * The plotting library (vega, vega-lite) is an optional peer dependency: a node, and an
 * application embedding the library, never load it, so an install need not carry it. The
 * commands that draw check for it before any work, and say in one line how to get it.
 */
import { MissingDependencyError } from '../errors.js';

/** Throws MissingDependencyError naming `what` needs them, unless every package of `names` resolves. */
export function requireOptional(names: readonly string[], what: string): void {
  const missing = names.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new MissingDependencyError(`${what} draws with ${missing.join(' and ')}, an optional dependency not installed here: npm install ${names.join(' ')}`);
  }
}
