/** `hs-ring bench`: measures messages, wire overhead, latency, scale and memory, and writes results and plots. */
import type { Argv } from 'yargs';
import { InvalidConfigError, outputWriteError } from '../errors.js';
import { BENCH_PARTS, type BenchPart, DEFAULT_PARTS, runBench, writeBenchOutput } from '../bench/run.js';
import { formatBench } from '../bench/report.js';
import type { FailoverSetting } from '../bench/failover.js';
import { silent, stderrProgress } from '../bench/progress.js';
import { prepareOutputFolder } from '../config/output-path.js';
import type { NodeSettings } from '../cluster/node-config.js';
import { nodeSettingsFromFlags } from './node-command.js';
import { requireOptional } from './optional-deps.js';
import { reexecWithBiggerYoungGeneration } from './young-generation.js';

export const benchCommand = {
  command: 'bench',
  describe: 'Measure messages, wire overhead, UDP latency, scale, memory and failover; write results and plots',
  builder: (y: Argv) =>
    y
      // The parts table in the epilog: yargs strips the indentation of usage lines, not of the epilog's.
      .usage(
        'Measure what docs/performance.md reports, from scratch.\n\n' +
          'hs-ring bench --out results          every part but worker (minutes); results.json and SVG plots\n' +
          'hs-ring bench --quick --json         a small version of each part (seconds)\n' +
          'hs-ring bench --only messages,latency',
      )
      .epilog(
        'Parts:\n' +
          '  messages  HS messages for n = 8..4096 and five id orders, against the bound and LCR (simulator)\n' +
          '  overhead  datagrams per algorithm message at 0, 10, 30% loss, for several ack delays (simulator)\n' +
          '  latency   elections of 8..64 node processes over loopback UDP beside the one-hop latency,\n' +
          '            a ring of bare relay processes, and the same elections without the link layer\n' +
          '  scale     simulator at n = 10^3..10^5, ideal channels and full link (10^5 full: minutes);\n' +
          '            1024 nodes in 8 processes over UDP\n' +
          '  memory    resident memory of node processes (/proc/PID/status)\n' +
          '  compare   HS, LCR, Bully and Raft-style election side by side (simulator and UDP)\n' +
          '  failover  only by name: leadership members (node --stay), 5, 16 and 16 with ring heartbeats: 100\n' +
          '            crashes, resigns and cut-off leaders each, timed to the next leader; leader changes in 2 min\n' +
          '            at 20 % loss; idle cost\n' +
          '  worker    only by name: the payment worker\'s chaos run on ZooKeeper, etcd and the ring, one at a\n' +
          '            time, at each one\'s default timeout and a sweep of it (failover gap, false failovers,\n' +
          '            throughput, CPU); needs a built checkout and Debian\'s zookeeperd and etcd-server',
      )
      .option('quick', { type: 'boolean', default: false, describe: 'Small sizes and few seeds: a smoke run' })
      .option('only', { type: 'string', requiresArg: true, describe: `Comma-separated parts: ${BENCH_PARTS.join(', ')}` })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as one JSON object instead of tables' })
      .option('out', { type: 'string', requiresArg: true, describe: 'Directory for results.json and the SVG plots' })
      .option('latency-sizes', {
        type: 'string', requiresArg: true,
        describe: 'Comma-separated ring sizes for the latency part (default 8,16,32,64; 1..256)',
      })
      .option('failover-rings', {
        type: 'string', requiresArg: true,
        describe: 'Rings of the failover part, comma-separated: a size, or SIZE:ring for ring heartbeats (default 5,16,16:ring, with --quick 3; sizes 3..64)',
      })
      .option('node-flags', {
        type: 'string', requiresArg: true,
        describe: 'Extra `hs-ring node` flags for the latency part\'s nodes, with "=": --node-flags="--ack-delay 25" (the bare election has no link to tune)',
      }),
  handler: runBenchCommand,
};

interface BenchArgs {
  quick: boolean;
  only?: string;
  json: boolean;
  out?: string;
  'latency-sizes'?: string;
  'node-flags'?: string;
  'failover-rings'?: string;
}

async function runBenchCommand(argv: BenchArgs): Promise<void> {
  const only = parseParts(argv.only);
  const latency = latencyOptions(argv);
  const failoverRings = failoverRingsOf(argv['failover-rings']);
  if (failoverRings && !only.includes('failover')) throw new InvalidConfigError('--failover-rings is for the failover part: add --only failover');
  if (argv.out !== undefined) {
    // Before minutes of measuring: --out draws the plots.
    requireOptional(['vega', 'vega-lite'], 'bench --out');
    prepareOutputFolder(argv.out, '--out');
  }
  // The full scale part simulates 100,000 nodes behind the full link, as `sim` does for big rings.
  if (!argv.quick && only.includes('scale') && reexecWithBiggerYoungGeneration()) return;
  // Progress goes to stderr; a quick run is short enough to stay quiet.
  const progress = argv.quick ? silent : stderrProgress();
  const results = await runBench({ quick: argv.quick, only, progress, ...latency, ...(failoverRings ? { failoverRings } : {}) });
  // Results first: a failure to save them must not lose what took minutes to measure.
  process.stdout.write((argv.json ? JSON.stringify(results) : formatBench(results)) + '\n');
  if (argv.out === undefined) return;
  let written: string[];
  try {
    written = await writeBenchOutput(argv.out, results);
  } catch (err) {
    throw outputWriteError(argv.out, '--out', err);
  }
  if (!argv.json) for (const w of written) process.stdout.write(`wrote ${w}\n`);
}

function parseParts(text: string | undefined): BenchPart[] {
  if (text === undefined) return [...DEFAULT_PARTS];
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    if (!(BENCH_PARTS as readonly string[]).includes(p)) throw new InvalidConfigError(`--only: unknown part "${p}" (parts: ${BENCH_PARTS.join(', ')})`);
  }
  if (parts.length === 0) throw new InvalidConfigError(`--only needs at least one part (${BENCH_PARTS.join(', ')})`);
  return parts as BenchPart[];
}

/** Largest failover ring: one process per member, 300 faults on each. */
const MAX_FAILOVER_SIZE = 64;

/** --failover-rings: `5,16,16:ring`, checked before minutes of measuring. */
function failoverRingsOf(text: string | undefined): FailoverSetting[] | undefined {
  if (text === undefined) return undefined;
  const rings = String(text).split(',').map((x) => x.trim()).filter(Boolean).map((item) => {
    const [size, mode, extra] = item.split(':');
    const n = Number(size);
    if (!Number.isInteger(n) || n < 3 || n > MAX_FAILOVER_SIZE || extra !== undefined || (mode !== undefined && mode !== 'ring')) return undefined;
    return { n, heartbeats: mode === 'ring' ? ('ring' as const) : ('all' as const) };
  });
  if (rings.length === 0 || rings.some((r) => r === undefined)) {
    throw new InvalidConfigError(`--failover-rings must list ring sizes 3..${MAX_FAILOVER_SIZE}, each optionally with :ring, got "${text}"`);
  }
  return rings as FailoverSetting[];
}

/**
 * Largest latency ring: each size runs twice (ours and the bare election), one process per node,
 * five times over; past 256 processes the start-ups alone take minutes on a small machine. (launch
 * itself allows 512 processes.)
 */
const MAX_LATENCY_SIZE = 256;

/** --latency-sizes and --node-flags, checked before minutes of measuring. */
function latencyOptions(argv: BenchArgs): { latencySizes?: number[]; nodeFlags?: string[]; nodeSettings?: NodeSettings } {
  const out: { latencySizes?: number[]; nodeFlags?: string[]; nodeSettings?: NodeSettings } = {};
  if (argv['latency-sizes'] !== undefined) {
    const sizes = String(argv['latency-sizes']).split(',').map((x) => x.trim()).filter(Boolean).map(Number);
    if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_LATENCY_SIZE)) {
      throw new InvalidConfigError(`--latency-sizes must list ring sizes 1..${MAX_LATENCY_SIZE}, got "${argv['latency-sizes']}"`);
    }
    out.latencySizes = sizes;
  }
  if (argv['node-flags'] !== undefined) {
    const flags = String(argv['node-flags']).split(/\s+/).filter(Boolean);
    try {
      out.nodeSettings = nodeSettingsFromFlags(flags);
    } catch (err) {
      throw new InvalidConfigError(`--node-flags: ${(err as Error).message.replace(/^node flags: /, '')}`);
    }
    out.nodeFlags = flags;
  }
  return out;
}
