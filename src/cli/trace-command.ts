// `hs-ring trace view` (a space-time diagram of one election) and `hs-ring trace merge` (per-node
// traces into one trace in causal order, for the viewer and for tla/trace/check-trace.mjs).
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { checkUnique, parseId } from '../config/ids.js';
import { InvalidConfigError, outputWriteError } from '../errors.js';
import { spaceTimeHtml, spaceTimeSvg } from '../viz/render.js';
import { TraceFormatError, parseTrace, readTraceLines, spaceTime, type Trace } from '../viz/spacetime.js';
import { checkOutputFile } from '../config/output-path.js';
import { requireOptional } from './optional-deps.js';
import { mergeTraceTexts, type TraceText, traceFileText } from './trace-merge.js';

const RING_OPTION = {
  type: 'string',
  requiresArg: true,
  describe: 'Ids in ring order (A,B,...), when the traces cannot tell it (default: read from the traces)',
} as const;

const viewCommand = {
  command: 'view <files..>',
  describe: 'Draw a space-time diagram of an election trace (HTML or SVG)',
  builder: (y: Argv) =>
    y
      .usage(
        'Draw one election from a trace written by `hs-ring launch --trace FILE` or `hs-ring sim --trace FILE`,\n' +
          'or from the per-node traces of `hs-ring node --trace FILE` (several files: merged first, as\n' +
          '`trace merge` does): nodes across in ring order, time downwards, each delivered message an arrow\n' +
          'from its send to its receive, coloured by phase. A crashed node (launch --kill) gets a red X and\n' +
          'a dotted red lifeline while down; a node whose trace ends before it knew the leader, a grey square.\n\n' +
          '  hs-ring trace view trace.jsonl -o election.html\n' +
          '  hs-ring trace view node-*.jsonl -o election.svg',
      )
      .positional('files', { type: 'string', array: true, describe: 'Trace file(s) (JSON lines; a merged trace starts with {"ring": [...]})' })
      .option('o', { alias: 'output', type: 'string', requiresArg: true, demandOption: true, describe: 'Output file: .html or .svg' })
      .option('ring', RING_OPTION),
  handler: runView,
};

const mergeCommand = {
  command: 'merge <files..>',
  describe: 'Merge per-node traces (hs-ring node --trace) into one trace in causal order',
  builder: (y: Argv) =>
    y
      .usage(
        'Merge the traces that `hs-ring node --trace FILE` wrote on each host into one trace: every\n' +
          'message received after it was sent (node clocks need not agree), each node\'s own order kept,\n' +
          'headed by {"ring": [ids in ring order]}; the order is read from the traces unless --ring gives it.\n' +
          'The result is what `trace view` draws and what tla/trace/check-trace.mjs checks against the spec.\n\n' +
          '  hs-ring trace merge a.jsonl b.jsonl c.jsonl -o ring.jsonl\n' +
          '  node tla/trace/check-trace.mjs ring.jsonl',
      )
      .positional('files', { type: 'string', array: true, describe: 'Per-node trace files (JSON lines)' })
      .option('o', { alias: 'output', type: 'string', requiresArg: true, demandOption: true, describe: 'Output trace file (JSON lines)' })
      .option('ring', RING_OPTION),
  handler: runMerge,
};

export const traceCommand = {
  command: 'trace <command>',
  describe: 'Work with election traces (view, merge)',
  builder: (y: Argv) => y.command(viewCommand).command(mergeCommand).demandCommand(1, 'name a trace command: view or merge'),
  handler: () => undefined,
};

interface TraceArgs {
  files?: string[];
  o: string;
  ring?: string;
}

/** Reads each named file once, however often it is named (a shell glob and a name given again). */
async function readAll(files: readonly string[]): Promise<TraceText[]> {
  return Promise.all(
    [...new Set(files)].map(async (name) => {
      try {
        return { name, text: await readFile(name, 'utf8') };
      } catch (err) {
        throw new InvalidConfigError(`trace ${name}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }),
  );
}

function parseRingOption(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((s) => parseId(s, '--ring'));
  checkUnique(ids, '--ring');
  return ids;
}

async function write(out: string, text: string): Promise<void> {
  try {
    await writeFile(out, text);
  } catch (err) {
    throw outputWriteError(out, '-o', err);
  }
}

async function runMerge(argv: TraceArgs): Promise<void> {
  const ring = parseRingOption(argv.ring);
  checkOutputFile(argv.o, '-o');
  const merged = mergeTraceTexts(await readAll(argv.files ?? []), ring);
  await write(argv.o, traceFileText(merged));
  process.stdout.write(`${argv.o}: ${merged.events} events of ${merged.ring.length} nodes in causal order, ring ${merged.ring.join(', ')}\n`);
  for (const n of merged.notes) process.stderr.write(`hs-ring: ${n}\n`);
}

async function runView(argv: TraceArgs): Promise<void> {
  const out = argv.o;
  const format = out.endsWith('.html') || out.endsWith('.htm') ? 'html' : out.endsWith('.svg') ? 'svg' : undefined;
  if (!format) throw new InvalidConfigError(`-o ${out}: name an .html or .svg file`);
  const ring = parseRingOption(argv.ring);
  checkOutputFile(out, '-o');
  requireOptional(['vega'], 'trace view');
  const files = await readAll(argv.files ?? []);
  const notes: string[] = [];
  let trace: Trace;
  let st;
  try {
    // One merged trace (launch, sim) is drawn as written; per-node traces are merged first.
    const single = files.length === 1 && ring === undefined ? readTraceLines(files[0]!.text) : undefined;
    if (single?.ring) {
      trace = parseTrace(files[0]!.text);
      if (trace.cutShort) notes.push(`trace ${files[0]!.name}: its last line was cut short (a run stopped mid-write) and is left out`);
    } else {
      const merged = mergeTraceTexts(files, ring);
      notes.push(...merged.notes);
      trace = parseTrace(traceFileText(merged));
    }
    st = spaceTime(trace);
  } catch (err) {
    if (err instanceof TraceFormatError) throw new InvalidConfigError(`trace ${files.map((f) => f.name).join(', ')}: ${err.message}`);
    throw err;
  }
  const names = files.map((f) => basename(f.name));
  const title = `Election of ${st.ring.length} nodes: ${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')}`;
  const rendered = format === 'html' ? await spaceTimeHtml(st, title) : await spaceTimeSvg(st, title);
  await write(out, rendered);
  process.stdout.write(`${out}: ${st.arrows.length} messages drawn, ${st.undelivered.length} never received\n`);
  for (const n of notes) process.stderr.write(`hs-ring: ${n}\n`);
}
