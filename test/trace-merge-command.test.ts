// `hs-ring trace merge` and `trace view` of several files: per-node traces of `hs-ring node` merged
// in causal order, drawn, and checked against the spec; crashes (launch --kill) drawn as marks.
import test from 'ava';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TraceEvent } from '../src/core/trace.js';
import { ringFromTraces } from '../src/viz/ring-order.js';
import { parseTrace, spaceTime } from '../src/viz/spacetime.js';
import { browserTest, skipNote, withPage } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';

const load = (path: string): Promise<any> => import(pathToFileURL(join(process.cwd(), path)).href);

/** `ring` turned so that it starts at `first`: rings equal up to rotation compare equal. */
function from(first: number, ring: readonly number[]): number[] {
  const i = ring.indexOf(first);
  return [...ring.slice(i), ...ring.slice(0, i)];
}

async function scratch(t: { teardown: (f: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hs-merge-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('trace merge: per-node traces of `hs-ring node` merge into one trace that the viewer draws and the spec accepts', async (t) => {
  const dir = await scratch(t);
  const ids = [5, 21, 9, 40, 2];
  const base = 18400 + (process.pid % 400) * 5;
  const ring = join(dir, 'ring.json');
  await writeFile(ring, JSON.stringify({ members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: base + i })) }));
  const run = await runCli(['node', '--ring', ring, '--self', ids.join(','), '--json', '--timeout', '10000', '--trace', join(dir, 'node-{id}.jsonl')]);
  t.is(run.code, 0, run.stderr);
  const parts = (await readdir(dir)).filter((f) => f.startsWith('node-')).map((f) => join(dir, f));
  t.is(parts.length, ids.length);

  const merged = join(dir, 'merged.jsonl');
  const r = await runCli(['trace', 'merge', ...parts, '-o', merged]);
  t.is(r.code, 0, r.stderr);
  const text = await readFile(merged, 'utf8');
  const trace = parseTrace(text);
  t.deepEqual(from(ids[0]!, trace.ring), ids, 'the ring order read from the traces (up to rotation)');
  const total = (await Promise.all(parts.map((p) => readFile(p, 'utf8')))).join('').trim().split('\n').length;
  t.is(trace.events.length, total, 'every event of every node, once');
  t.regex(r.stdout, new RegExp(`${total} events of 5 nodes in causal order`));

  const view = spaceTime(trace);
  t.is(view.orphanReceives, 0, 'causal: every receive after its send');
  t.is(view.arrows.length, trace.events.filter((e) => e.received).length);

  const check = await load('tla/trace/check-trace.mjs');
  const report = await check.checkTrace(text, { offline: true });
  t.true(report.ok, `the merged trace is a behaviour of the spec: ${report.reason}`);

  // trace view takes the per-node files directly (merged in memory), drawing the same arrows.
  const svg = join(dir, 'ring.svg');
  const v = await runCli(['trace', 'view', ...parts, '-o', svg]);
  t.is(v.code, 0, v.stderr);
  t.regex(v.stdout, new RegExp(`${view.arrows.length} messages drawn, 0 never received`));
});

test('trace merge: the ring order is read from first-hop probes; a gap or a dispute is named, and --ring settles it', async (t) => {
  const st = { status: 'active', phase: 0, leader: null } as const;
  const got = (node: number, from: 'left' | 'right', origin: number, hops = 1): TraceEvent => ({
    t: 1, node, action: 'RelayProbe', from, received: { kind: 'probe', origin, phase: 0, hops }, sent: [], state: st,
  });
  // Ring 7 -> 3 -> 8 -> 7 (rightwards).
  t.deepEqual(ringFromTraces([got(3, 'left', 7), got(8, 'left', 3), got(7, 'left', 8)]), [3, 8, 7], 'from left-side receives');
  t.deepEqual(ringFromTraces([got(7, 'right', 3), got(3, 'right', 8), got(8, 'right', 7), got(3, 'left', 8, 2)]), [3, 8, 7], 'from right-side receives; later hops ignored');
  t.throws(() => ringFromTraces([got(3, 'left', 7), got(8, 'left', 3)]), { message: /cannot tell node 8's right neighbour/ });
  t.throws(() => ringFromTraces([got(3, 'left', 7), got(8, 'left', 7)]), { message: /disagree on node 7's right neighbour \(3 or 8\)/ });

  const dir = await scratch(t);
  const a = join(dir, 'a.jsonl');
  const b = join(dir, 'b.jsonl');
  await writeFile(a, JSON.stringify(got(3, 'left', 7)) + '\n');
  await writeFile(b, JSON.stringify(got(8, 'left', 3)) + '\n');
  const out = join(dir, 'm.jsonl');
  const r = await runCli(['trace', 'merge', a, b, '-o', out]);
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.regex(r.stderr, /cannot tell node 8's right neighbour .* give the order with --ring ID,ID,\.\.\./);
  const ok = await runCli(['trace', 'merge', a, b, '-o', out, '--ring', '7,3,8']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(parseTrace(await readFile(out, 'utf8')).ring, [7, 3, 8]);
  t.regex(ok.stderr, /no trace of node 7/);
  const twice = await runCli(['trace', 'merge', a, b, a, '-o', out, '--ring', '7,3,8']);
  t.is(twice.code, 0, `a file named twice is read once: ${twice.stderr}`);
  t.is(parseTrace(await readFile(out, 'utf8')).events.length, 2);
  const c = join(dir, 'c.jsonl');
  await writeFile(c, JSON.stringify(got(3, 'right', 8)) + '\n');
  const split = await runCli(['trace', 'merge', a, c, '-o', out, '--ring', '7,3,8']);
  t.is(split.code, 2);
  t.regex(split.stderr, /node 3's events are also in/);
  const notOnRing = await runCli(['trace', 'merge', a, b, '-o', out, '--ring', '7,8']);
  t.is(notOnRing.code, 2);
  t.regex(notOnRing.stderr, /a\.jsonl: node 3 is not on the ring 7, 8/);
});

test('space-time: a crash splits the lifeline (down until a restart); a trace that ends unfinished is marked', (t) => {
  const st = (status: string) => ({ status, phase: 0, leader: null });
  const probe = { kind: 'probe', origin: 9, phase: 0, hops: 1 };
  const lines = [
    { ring: [9, 3, 5] },
    { t: 0, node: 9, action: 'Start', sent: [{ direction: 'right', message: probe }], state: st('active') },
    { t: 0, node: 3, action: 'Start', sent: [], state: st('active') },
    { t: 0, node: 5, action: 'Start', sent: [], state: st('done') },
    { t: 4, node: 3, action: 'Crash' },
    { t: 9, node: 3, action: 'Restart' },
    { t: 12, node: 9, action: 'Crash' },
  ];
  const view = spaceTime(parseTrace(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
  t.deepEqual(view.spans, [
    { x: 0, from: 0, to: 12, up: true },
    { x: 0, from: 12, up: false },
    { x: 1, from: 0, to: 4, up: true },
    { x: 1, from: 4, to: 9, up: false },
    { x: 1, from: 9, up: true },
    { x: 2, from: 0, up: true },
  ]);
  t.deepEqual(
    view.marks.map((m) => `${m.id}:${m.kind}@${m.at}`),
    ['9:crash@12', '3:crash@4', '3:restart@9', '3:trace-ends@0'],
    'node 3 restarted and its trace ends unfinished; node 5 is done; node 9 crashed',
  );
});

browserTest(`trace view: a node killed by launch --kill is drawn crashed, and the trace still checks against the spec${skipNote}`, async (t) => {
  const dir = await scratch(t);
  const trace = join(dir, 'killed.jsonl');
  // Killed after the decision: its lifeline goes down at the kill, after all of its events.
  const r = await runCli(['launch', '-n', '5', '--seed', '3', '--kill', '257@300', '--timeout', '1500', '--trace', trace], 30_000);
  t.regex(r.stdout, /node 257 killed/, r.stderr);
  const text = await readFile(trace, 'utf8');
  const crash = text.split('\n').filter((l) => l.includes('"Crash"')).map((l) => JSON.parse(l));
  t.is(crash.length, 1);
  t.is(crash[0].node, 257);
  t.true(crash[0].t >= 300, `the crash at the kill's time: ${crash[0].t}`);
  const check = await load('tla/trace/check-trace.mjs');
  const report = await check.checkTrace(text, { offline: true });
  t.true(report.ok, `the Crash line is skipped by the checker: ${report.reason}`);

  const html = join(dir, 'killed.html');
  const v = await runCli(['trace', 'view', trace, '-o', html]);
  t.is(v.code, 0, v.stderr);
  const shown = await withPage(async (page) => {
    await page.goto(pathToFileURL(html).href);
    return {
      marks: await page.locator('svg g.mark-symbol.node-marks > path').count(),
      labels: await page.locator('svg g.mark-text.life-labels > text').allTextContents(),
      down: await page.locator('svg g.mark-rule.lifelines > line[stroke="#d62728"]').count(),
      caption: (await page.locator('figcaption').textContent()) ?? '',
    };
  });
  t.is(shown.marks, 1);
  t.deepEqual(shown.labels, ['crashed']);
  t.is(shown.down, 1, 'one lifeline stretch drawn down');
  t.regex(shown.caption, /crashed: node 257/);
});
