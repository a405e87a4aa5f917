/** The space-time diagram: every arrow joins a send to its receive, and bad traces are refused clearly. */
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { browserTest, skipNote, withPage } from './helpers/chromium.js';
import { parseTrace, spaceTime } from '../src/viz/spacetime.js';
import { runCli } from './helpers/cli.js';

/** Receives in a trace: each one is a delivered message, which must get exactly one arrow. */
async function deliveredMessages(path: string): Promise<number> {
  const lines = (await readFile(path, 'utf8')).split('\n').slice(1).filter((l) => l.trim());
  return lines.filter((l) => (JSON.parse(l) as { received?: unknown }).received !== undefined).length;
}

/** Counts what a real browser shows: the lines of the arrows mark and their arrowheads. */
function countInBrowser(html: string): Promise<{ arrows: number; heads: number; caption: string }> {
  return withPage(async (page) => {
    await page.goto(pathToFileURL(html).href);
    const arrows = await page.locator('svg g.mark-rule.arrows > line').count();
    const heads = await page.locator('svg g.mark-symbol.heads > path').count();
    const caption = (await page.locator('figcaption').textContent()) ?? '';
    return { arrows, heads, caption };
  });
}

async function viewInBrowser(t: ExecutionContext, dir: string, trace: string): Promise<void> {
  const html = join(dir, 'election.html');
  const r = await runCli(['trace', 'view', trace, '-o', html]);
  t.is(r.code, 0, r.stderr);
  const expected = await deliveredMessages(trace);
  t.true(expected > 0);
  const shown = await countInBrowser(html);
  t.is(shown.arrows, expected, 'one arrow per delivered message');
  t.is(shown.heads, expected, 'one arrowhead per delivered message');
  t.regex(shown.caption, new RegExp(`${expected} messages delivered`));
}

browserTest(`trace view: a simulated election shows one arrow per delivered message in Chromium${skipNote}`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-view-'));
  try {
    const trace = join(dir, 'sim.jsonl');
    const r = await runCli(['sim', '-n', '9', '--seed', '4', '--trace', trace]);
    t.is(r.code, 0, r.stderr);
    await viewInBrowser(t, dir, trace);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

browserTest(`trace view: a UDP election (launch --trace) shows one arrow per delivered message in Chromium${skipNote}`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-view-'));
  try {
    const trace = join(dir, 'udp.jsonl');
    const r = await runCli(['launch', '-n', '5', '--seed', '2', '--trace', trace]);
    t.is(r.code, 0, r.stderr);
    await viewInBrowser(t, dir, trace);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('trace view: every receive is paired with a send of the same message on the matching link', (t) => {
  // Two identical probes in flight on one link, received in the opposite order of sending:
  // each receive must still pair with a send of that content, and nothing is left over.
  const probe = { kind: 'probe', origin: 9, phase: 1, hops: 1 } as const;
  const st = (s: object) => ({ status: 'active', phase: 1, leader: null, ...s });
  const lines = [
    { ring: [9, 3, 5] },
    { t: 0, node: 9, action: 'Start', sent: [{ direction: 'right', message: probe }], state: st({}) },
    { t: 1, node: 9, action: 'Start', sent: [{ direction: 'right', message: probe }], state: st({}) },
    { t: 2, node: 3, action: 'RelayProbe', from: 'left', received: probe, sent: [], state: st({}) },
    { t: 3, node: 3, action: 'RelayProbe', from: 'left', received: probe, sent: [{ direction: 'left', message: { kind: 'reply', origin: 9, phase: 1 } }], state: st({}) },
  ];
  const view = spaceTime(parseTrace(lines.map((l) => JSON.stringify(l)).join('\n')));
  t.is(view.arrows.length, 2);
  t.is(view.orphanReceives, 0);
  t.deepEqual(view.arrows.map((a) => [a.x1, a.x2]), [[0, 1], [0, 1]]);
  t.is(view.undelivered.length, 1, 'the reply was sent but never received');
});

test('trace view: a message across the seam ends on the ghost column, not across the picture', (t) => {
  const ann = { kind: 'announcement', leader: 5 } as const;
  const st = { status: 'done', phase: 0, leader: 5 };
  const lines = [
    { ring: [1, 2, 5] },
    { t: 0, node: 5, action: 'BecomeLeader', from: 'left', received: { kind: 'probe', origin: 5, phase: 2, hops: 3 }, sent: [{ direction: 'right', message: ann }], state: st },
    { t: 1, node: 1, action: 'RelayAnnouncement', from: 'left', received: ann, sent: [], state: st },
  ];
  const view = spaceTime(parseTrace(lines.map((l) => JSON.stringify(l)).join('\n')));
  t.deepEqual(view.arrows.map((a) => [a.x1, a.x2]), [[2, 3]]);
  t.is(view.orphanReceives, 1, 'the probe received by the leader has no send in this cut trace');
});

test('trace view: a trace whose last line was cut mid-write is drawn without it; a bad line elsewhere is still refused', async (t) => {
  const st = { status: 'active', phase: 0, leader: null };
  const probe = { kind: 'probe', origin: 9, phase: 0, hops: 1 };
  const whole = [
    JSON.stringify({ ring: [9, 3] }),
    JSON.stringify({ t: 0, node: 9, action: 'Start', sent: [{ direction: 'right', message: probe }], state: st }),
    JSON.stringify({ t: 1, node: 3, action: 'SwallowProbe', from: 'left', received: probe, sent: [], state: st }),
  ];
  const cut = [...whole.slice(0, 2), whole[2]!.slice(0, 30)].join('\n');
  const trace = parseTrace(cut);
  t.true(trace.cutShort);
  t.is(trace.events.length, 1);
  t.is(spaceTime(trace).undelivered.length, 1, 'the probe whose receive was cut off');
  t.falsy(parseTrace(whole.join('\n') + '\n').cutShort);
  // A complete file (ending in a newline) with a broken line is damaged, not cut short.
  t.throws(() => parseTrace(cut + '\n'), { message: /line 3 is not a trace event/ });
  const dir = await mkdtemp(join(tmpdir(), 'hs-view-'));
  try {
    const file = join(dir, 'cut.jsonl');
    await (await import('node:fs/promises')).writeFile(file, cut);
    const r = await runCli(['trace', 'view', file, '-o', join(dir, 'cut.svg')]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /last line was cut short/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('trace view: a file that is not a trace is refused in one line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-view-'));
  try {
    const bad = join(dir, 'bad.jsonl');
    await (await import('node:fs/promises')).writeFile(bad, '{"nodes": 3}\n');
    const r = await runCli(['trace', 'view', bad, '-o', join(dir, 'x.html')]);
    t.is(r.code, 2);
    t.regex(r.stderr, /must be \{"ring"/);
    const r2 = await runCli(['trace', 'view', bad, '-o', join(dir, 'x.png')]);
    t.is(r2.code, 2);
    t.regex(r2.stderr, /\.html or \.svg/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
