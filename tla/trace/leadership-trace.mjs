#!/usr/bin/env node
/**
 * Trace validation of the leadership protocol: checks that a JSON-lines trace of the simulator's
 * observable events (src/sim/leadership/simulator.ts LeadershipEvent; first line the header
 * {"members":[id, ...]} in rank order) is a behaviour of tla/LeadershipTrace.tla, with TLC when
 * Java and a local tla2tools.jar are there, else (or with --offline) with the npm tla-checker.
 *
 * Usage: node tla/trace/leadership-trace.mjs trace.jsonl [--offline] [--json]
 * Exit status: 0 the trace is a behaviour of the spec; 1 it is not; 2 bad trace or no checker.
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenModule, runTlaChecker, runTlc, tlaDir } from '../run-tlc.mjs';
import { NO_CHECKER, chooseChecker, replayReport, runIfMain } from './replay.mjs';
import { TraceFormatError, jsonLines } from './trace-to-tla.mjs';

const SPEC = 'LeadershipTrace';
const MC = 'MCLeadershipTraceRun';
const KINDS = new Set(['Persist', 'Grant', 'TakeOffice', 'StepDown', 'Crash', 'Restart', 'EndQuiet']);
const INVARIANTS = ['OneLeaderPerEpoch', 'EpochsIncrease', 'OfficeEpochsDistinct'];

/** Parses the trace: { members, events } with each event's file line kept. */
export function parseLeadershipTrace(text) {
  const rows = jsonLines(text);
  const members = rows[0]?.value?.members;
  if (!Array.isArray(members) || members.length < 1 || new Set(members).size !== members.length)
    throw new TraceFormatError('line 1 must be the header {"members":[id, ...]} with distinct ids');
  const events = rows.slice(1).map(({ line, value }) => {
    if (!KINDS.has(value?.ev)) throw new TraceFormatError(`line ${line}: unknown event ${JSON.stringify(value?.ev)}`);
    for (const f of ['member', ...(value.ev === 'Grant' ? ['to'] : [])])
      if (!members.includes(value[f])) throw new TraceFormatError(`line ${line}: ${f} ${value[f]} is not in the header`);
    return { ...value, line };
  });
  return { members, events };
}

/** The trace as a TLA+ sequence of uniform records (members renamed to their ranks). */
export function traceValue({ members, events }) {
  const rank = (id) => members.indexOf(id);
  const int = (x) => (Number.isSafeInteger(x) ? x : 0);
  const rec = (e) =>
    `[ev |-> "${e.ev}", m |-> ${rank(e.member)}, to |-> ${e.ev === 'Grant' ? rank(e.to) : 0}, e |-> ${int(e.epoch)}, ` +
    `p |-> ${int(e.promised)}, c |-> ${int(e.counter)}, lost |-> ${e.lost === true ? 'TRUE' : 'FALSE'}]`;
  return `<<${events.map(rec).join(',\n  ')}>>`;
}

/**
 * Checks trace text. Returns { ok, checker, events, seconds, reason?, failedEvent?, failedLine? }:
 * ok iff every event is a step of LeadershipTrace and its invariants hold all along.
 */
export async function checkLeadershipTrace(text, { offline = false } = {}) {
  const parsed = parseLeadershipTrace(text);
  const n = parsed.members.length;
  const value = traceValue(parsed);
  const length = parsed.events.length;
  const { checker, jar } = await chooseChecker(offline);
  const head = `INIT Init\nNEXT Next\nINVARIANTS ${INVARIANTS.join(' ')}\n`;
  let result;
  if (checker === 'TLC') {
    const dir = mkdtempSync(join(tmpdir(), 'hs-ring-ltrace-'));
    try {
      copyFileSync(join(tlaDir, `${SPEC}.tla`), join(dir, `${SPEC}.tla`));
      writeFileSync(join(dir, `${MC}.tla`), `---- MODULE ${MC} ----\nEXTENDS ${SPEC}\nTraceRun ==\n  ${value}\n====\n`);
      writeFileSync(join(dir, `${MC}.cfg`), `CONSTANTS\n  N = ${n}\n  Trace <- TraceRun\n${head}`);
      result = runTlc(jar, dir, `${MC}.tla`, `${MC}.cfg`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (checker === 'tla-checker') {
    const source = flattenModule(tlaDir, SPEC);
    const cfg = `CONSTANT N = ${n}\nCONSTANT Trace = ${value.replace(/\n\s*/g, ' ')}\n${head}`;
    result = await runTlaChecker(source, cfg, { maxStates: length + 10, maxDepth: length + 10 });
  } else {
    return { ok: false, checker, events: length, seconds: 0, reason: NO_CHECKER };
  }
  return replayReport(result, { checker, events: parsed.events, spec: SPEC });
}

runIfMain(import.meta.url, { script: 'tla/trace/leadership-trace.mjs', spec: SPEC, check: checkLeadershipTrace });
