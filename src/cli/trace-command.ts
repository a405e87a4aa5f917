/** `hs-ring trace view`: a space-time diagram of an election trace, as HTML or SVG. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { InvalidConfigError, outputWriteError } from '../errors.js';
import { spaceTimeHtml, spaceTimeSvg } from '../viz/render.js';
import { TraceFormatError, parseTrace, spaceTime } from '../viz/spacetime.js';
import { checkOutputFile } from '../config/output-path.js';
import { requireOptional } from './optional-deps.js';

const viewCommand = {
  command: 'view <file>',
  describe: 'Draw a space-time diagram of an election trace (HTML or SVG)',
  builder: (y: Argv) =>
    y
      .usage(
        'Draw one election from a trace written by `hs-ring launch --trace FILE` or `hs-ring sim --trace FILE`:\n' +
          'nodes across in ring order, time downwards, each delivered message an arrow from its send to\n' +
          'its receive, coloured by phase.\n\n' +
          '  hs-ring trace view trace.jsonl -o election.html\n' +
          '  hs-ring trace view trace.jsonl -o election.svg',
      )
      .positional('file', { type: 'string', describe: 'Trace file (JSON lines, first line {"ring": [...]})' })
      .option('o', { alias: 'output', type: 'string', requiresArg: true, demandOption: true, describe: 'Output file: .html or .svg' }),
  handler: runView,
};

export const traceCommand = {
  command: 'trace <command>',
  describe: 'Work with election traces (view)',
  builder: (y: Argv) => y.command(viewCommand).demandCommand(1, 'name a trace command: view'),
  handler: () => undefined,
};

async function runView(argv: { file?: string; o: string }): Promise<void> {
  const out = argv.o;
  const format = out.endsWith('.html') || out.endsWith('.htm') ? 'html' : out.endsWith('.svg') ? 'svg' : undefined;
  if (!format) throw new InvalidConfigError(`-o ${out}: name an .html or .svg file`);
  checkOutputFile(out, '-o');
  requireOptional(['vega'], 'trace view');
  let text: string;
  try {
    text = await readFile(argv.file as string, "utf8");
  } catch (err) {
    throw new InvalidConfigError(`trace ${argv.file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let st;
  let cutShort = false;
  try {
    const trace = parseTrace(text);
    cutShort = trace.cutShort === true;
    st = spaceTime(trace);
  } catch (err) {
    if (err instanceof TraceFormatError) throw new InvalidConfigError(`trace ${argv.file}: ${err.message}`);
    throw err;
  }
  const title = `Election of ${st.ring.length} nodes: ${basename(argv.file as string)}`;
  const rendered = format === 'html' ? await spaceTimeHtml(st, title) : await spaceTimeSvg(st, title);
  try {
    await writeFile(out, rendered);
  } catch (err) {
    throw outputWriteError(out, '-o', err);
  }
  process.stdout.write(`${out}: ${st.arrows.length} messages drawn, ${st.undelivered.length} never received\n`);
  if (cutShort) process.stderr.write(`hs-ring: trace ${argv.file}: its last line was cut short (a run stopped mid-write) and is left out\n`);
}
