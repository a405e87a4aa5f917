/** Durations on the command line: `30s`, `1.5s`, `250ms`, `2m` or a bare number of ms. */

/** The duration `text` names in ms, or undefined if it is none of these or not positive. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text).trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}
