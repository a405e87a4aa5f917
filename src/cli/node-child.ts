/**
 * The process `hs-ring launch` starts for each node (or stretch of nodes). It reads its whole
 * NodeConfig as one JSON line on stdin, then speaks the launcher's protocol: ndjson events on
 * stdout (ready, phase, decide, drop, result; error, see report-error.ts, if it fails) and a
 * "start" line on stdin. It runs the same runNodes as `hs-ring node`, but never loads yargs or
 * the other commands, so each of the n processes of a ring starts faster and holds less memory
 * (`hs-ring bench --only memory`).
 *
 * By hand: echo '{"placements": [...], "link": {...}, "timeoutMs": 30000}' | node node-child.js
 * (it then waits for "start"). A bad config is one line on stderr, an error event on stdout, and
 * exit 2.
 */
import { ConfigError } from '../errors.js';
import { checkNodeConfig } from './node-config.js';
import { runNodes } from './node-run.js';
import { emitErrorEvent, reportError } from './report-error.js';
import { StdinLines } from './stdin-lines.js';

const stdin = new StdinLines();
try {
  const line = await stdin.next();
  if (line === null) throw new ConfigError('stdin ended before the node config (this program is started by hs-ring launch)');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new ConfigError(`node config: not valid JSON (${(err as Error).message})`);
  }
  await runNodes(checkNodeConfig(value), { json: false, ndjson: true, start: stdin });
} catch (err) {
  stdin.close();
  // For the launcher, as data (it retries a busy port on its code); for people, the usual line.
  emitErrorEvent(err);
  reportError(err);
}
