/**
 * The process launchRing starts for each node (or stretch of nodes). It reads its whole
 * NodeConfig as one JSON line on stdin, then speaks the protocol of protocol.ts: ndjson events
 * on stdout and a "start" line on stdin. It hosts its nodes as `hs-ring node` does (node-host.ts)
 * but never loads yargs or the CLI's commands, so each of the n processes of a ring starts faster
 * and holds less memory (`hs-ring bench --only memory`).
 *
 * By hand: echo '{"placements": [...], "link": {...}, "timeoutMs": 30000}' | node node-process.js
 * (it then waits for "start"). A bad config is one line on stderr, an error event on stdout, and
 * exit 2.
 */
import { HsRingError, InvalidConfigError } from '../errors.js';
import { type HostEvent, LateTraceFailure, hostNodes } from './node-host.js';
import { hostMesh } from './mesh-host.js';
import { checkNodeConfig } from './node-config.js';
import { NODE_PROCESS_STATUS, emitLine, errorEvent, lineOf } from './protocol.js';
import { StdinLines } from './stdin-lines.js';

const stdin = new StdinLines();
try {
  const line = await stdin.next();
  if (line === null) throw new InvalidConfigError('stdin ended before the node config (this program is started by hs-ring launch)');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new InvalidConfigError(`node config: not valid JSON (${(err as Error).message})`);
  }
  let results;
  try {
    const config = checkNodeConfig(value);
    const host = { onEvent: (e: HostEvent) => emitLine(lineOf(e)), start: stdin };
    results = config.mesh ? await hostMesh(config, host) : await hostNodes(config, host);
  } catch (err) {
    // The results stand and go first; the trace that could not be written is the error after them.
    if (!(err instanceof LateTraceFailure)) throw err;
    for (const r of err.results) emitLine({ event: 'result', ...r });
    throw err.failure;
  }
  for (const r of results) emitLine({ event: 'result', ...r });
  process.exitCode = results.every((r) => r.outcome === 'ok') ? NODE_PROCESS_STATUS.ok : NODE_PROCESS_STATUS.stalled;
} catch (err) {
  stdin.close();
  // For the launcher, as data (it retries a busy port on its code); for people, one line.
  const event = errorEvent(err);
  emitLine(event);
  process.stderr.write(err instanceof HsRingError ? `hs-ring: ${event.message}\n` : `hs-ring: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = event.exitCode;
}
