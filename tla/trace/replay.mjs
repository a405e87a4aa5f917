/**
 * What the two trace checkers (check-trace.mjs for the election, leadership-trace.mjs for the
 * leadership protocol) share: choosing a checker, reading its verdict on a replayed trace, and
 * the command line around them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findJar, javaAvailable, loadTlaChecker } from '../run-tlc.mjs';

/** TLC if Java and a local jar are there (no download) and not offline, else tla-checker, else none. */
export async function chooseChecker(offline) {
  if (!offline && javaAvailable()) {
    const { jar } = await findJar(() => {}, { download: false });
    if (jar) return { checker: 'TLC', jar };
  }
  return loadTlaChecker() ? { checker: 'tla-checker' } : { checker: 'none' };
}

export const NO_CHECKER = 'no checker: neither TLC (java + tla2tools.jar) nor the npm tla-checker is available';

/** The index of the trace event replayed last in a counterexample (TLC's text or tla-checker's JSON): the first that failed is next. */
function stuckAt(output) {
  const all = [...output.matchAll(/\bi = (\d+)/g), ...output.matchAll(/"i"\s*:\s*(\d+)/g)];
  return all.length ? Math.max(...all.map((m) => Number(m[1]))) : undefined;
}

/**
 * The report on a replay of `events` (parsed, each with its trace line) through `spec`:
 * { ok, checker, events, seconds, reason?, failedEvent?, failedLine?, error? }. A pass must have
 * reached the end: one state per event plus the initial one.
 */
export function replayReport(result, { checker, events, spec }) {
  const length = events.length;
  const report = { ok: result.outcome === 'pass', checker, events: length, seconds: result.seconds };
  if (result.outcome === 'pass') {
    if (result.distinctStates !== undefined && result.distinctStates !== length + 1)
      return { ...report, ok: false, reason: `replayed ${result.distinctStates - 1} of ${length} events` };
    return report;
  }
  if (result.violated === 'deadlock') {
    const k = stuckAt(result.output);
    const failed = k === undefined ? undefined : events[k - 1];
    return {
      ...report,
      reason: `event ${k} (trace line ${failed?.line}) is not a step of ${spec}: ${JSON.stringify(failed ? { ...failed, line: undefined } : null)}`,
      failedEvent: k,
      failedLine: failed?.line,
    };
  }
  if (result.outcome === 'fail') return { ...report, reason: `invariant ${result.violated} violated along the trace` };
  return { ...report, error: true, reason: `checker error: ${result.violated}\n${result.output.slice(-3000)}` };
}

/**
 * `node SCRIPT trace.jsonl [--offline] [--json]`. Exit status: 0 the trace is a behaviour of the
 * spec; 1 it is not; 2 the trace or the checker could not be used.
 */
async function main(argv, { script, spec, check }) {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(`usage: node ${script} trace.jsonl [--offline] [--json]`);
    return 2;
  }
  const report = await check(readFileSync(file, 'utf8'), { offline: argv.includes('--offline') });
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) console.log(`${file}: ${report.events} events, a behaviour of ${spec} (checked by ${report.checker} in ${report.seconds.toFixed(1)} s)`);
  else console.log(`${file}: NOT a behaviour of ${spec} (checked by ${report.checker}): ${report.reason}`);
  if (report.ok) return 0;
  return report.error || report.checker === 'none' ? 2 : 1;
}

/** Runs main when `moduleUrl` is the script node was started with. */
export function runIfMain(moduleUrl, options) {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  main(process.argv.slice(2), options).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(2);
    },
  );
}
