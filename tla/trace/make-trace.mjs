#!/usr/bin/env node
/**
 * Runs the compiled core (dist/, from `npm run build`) on a ring of N HsNodes with exactly-once
 * delivery in a seeded random order, and writes the run as a JSON-lines trace: a header
 * {"ring":[id,...]} then one TraceEvent per core step, in the order the steps happened.
 * Nodes start at random moments too; a message for a node that has not started waits, as the
 * link layer holds it.
 *
 * Usage: node tla/trace/make-trace.mjs [--n N] [--seed S] [--ids 5,17,3] [--edit KIND] [> trace.jsonl]
 *   --edit flip-direction | wrong-action | drop-event  tampers with the trace so that it is
 *   no longer a behaviour of the spec (for testing the checker).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coreEntry = join(repo, 'dist', 'src', 'core', 'index.js');

/** mulberry32: a small seeded PRNG, so any trace can be made again from its seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function loadCore() {
  if (!existsSync(coreEntry)) throw new Error(`${coreEntry} not found: run npm run build first`);
  return import(pathToFileURL(coreEntry).href);
}

/** Distinct random ids, large enough to show that the converter renames them. */
export function randomIds(n, random) {
  const ids = new Set();
  while (ids.size < n) ids.add(Math.floor(random() * 1_000_000_000));
  return [...ids];
}

/**
 * Simulates one election and returns the trace as an array of objects (header first).
 * `ids` are in ring order: ids[i]'s right neighbour is ids[(i+1) % n].
 */
export async function simulate({ ids, seed }) {
  const { HsNode, traceEvent, opposite } = await loadCore();
  const random = prng(seed);
  const n = ids.length;
  const nodes = ids.map((id) => new HsNode(id));
  const pending = []; // { to, from, message }: sent, not yet delivered
  const lines = [{ ring: ids }];
  let t = 0;
  const carryOut = (i, step, input) => {
    lines.push(traceEvent(t++, nodes[i].state(), step, input));
    for (const c of step.commands) {
      if (c.type !== 'send') continue;
      const to = c.direction === 'right' ? (i + 1) % n : (i + n - 1) % n;
      pending.push({ to, from: opposite(c.direction), message: c.message });
    }
  };
  for (;;) {
    const choices = [];
    nodes.forEach((node, i) => {
      if (node.state().status === 'idle') choices.push({ start: i });
    });
    pending.forEach((p, k) => {
      if (nodes[p.to].state().status !== 'idle') choices.push({ deliver: k });
    });
    if (choices.length === 0) break;
    const c = choices[Math.floor(random() * choices.length)];
    if ('start' in c) carryOut(c.start, nodes[c.start].start());
    else {
      const [p] = pending.splice(c.deliver, 1);
      carryOut(p.to, nodes[p.to].receive(p.from, p.message), { from: p.from, message: p.message });
    }
  }
  if (pending.length > 0) throw new Error(`${pending.length} messages never delivered`);
  return lines;
}

/** Tampers with a trace (a copy) so that it is no longer a behaviour of the spec. */
export function editTrace(lines, kind) {
  const out = structuredClone(lines);
  const events = out.slice(1);
  if (kind === 'flip-direction') {
    // A relay sent out of the side it came in: a bug the spec must reject.
    const e = events.find((x) => x.action === 'RelayProbe');
    if (!e) throw new Error('no RelayProbe event to edit');
    e.sent[0].direction = e.sent[0].direction === 'left' ? 'right' : 'left';
  } else if (kind === 'wrong-action') {
    const e = events.find((x) => x.action === 'SwallowProbe');
    if (!e) throw new Error('no SwallowProbe event to edit');
    e.action = 'DiscardLate';
  } else if (kind === 'drop-event') {
    // Drop a relay: the message it sent is received later without ever having been sent.
    const k = out.findIndex((x) => x.action === 'RelayProbe');
    if (k < 0) throw new Error('no RelayProbe event to drop');
    out.splice(k, 1);
  } else throw new Error(`unknown edit ${kind}`);
  return out;
}

/** The trace as JSON-lines text, one object per line. */
export function toJsonl(lines) {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(arg('--seed') ?? 1);
  const ids = arg('--ids')?.split(',').map(Number) ?? randomIds(Number(arg('--n') ?? 4), prng(seed ^ 0x9e3779b9));
  let lines = await simulate({ ids, seed });
  const edit = arg('--edit');
  if (edit) lines = editTrace(lines, edit);
  process.stdout.write(toJsonl(lines));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(2);
  });
}
