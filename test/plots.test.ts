// The benchmark plots as a reader sees them: every plot rendered by Vega, then opened in headless
// Chromium, where its legend texts must be whole (not cut with "…") and distinct, told apart by
// colour and shape, every measured size labelled, no label long-winded ("9.000000"), and no text
// outside the picture. Fed with a full run's shapes (12 overhead settings, n up to 4096) and with
// a real `bench --quick` run.
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LatencyRow } from '../src/bench/latency.js';
import type { MessagesResult } from '../src/bench/messages.js';
import type { OverheadRow } from '../src/bench/overhead.js';
import { latencySpec, messagesSpec, overheadSpec, renderSvg } from '../src/bench/plots.js';
import type { CompareResult } from '../src/bench/compare.js';
import { compareFailoverSpec, compareIdleSpec, compareMessagesSpec, comparePartitionSpec, compareUdpElectionSpec } from '../src/bench/compare-plots.js';
import { browserTest, skipNote, withPage } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';

interface Shown {
  legend: string[];
  symbols: string[];
  xLabels: string[];
  axisLabels: string[];
  outside: string[];
  panels: number;
  linesPerPanel: number[];
}

/** What Chromium shows of an SVG document: legend labels and symbols, axis labels, texts cut by the edges. */
function show(svg: string): Promise<Shown> {
  return withPage(async (page) => {
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    return page.evaluate(() => {
      const root = document.querySelector('svg')!;
      const box = root.getBoundingClientRect();
      const texts = (sel: string) => [...root.querySelectorAll(`${sel} text`)].map((t) => t.textContent ?? '');
      const outside = [...root.querySelectorAll('text')]
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        })
        .map((t) => t.textContent ?? '');
      const symbols = [...root.querySelectorAll('g.role-legend-symbol path')].map(
        (p) => `${p.getAttribute('stroke') ?? ''}|${p.getAttribute('fill') ?? ''}|${p.getAttribute('d') ?? ''}|${p.getAttribute('stroke-dasharray') ?? ''}`,
      );
      // Facet cells: scopes holding marks and no scope of their own.
      const panels = [...root.querySelectorAll('g.role-scope')].filter((g) => g.querySelector('g.role-mark') && !g.querySelector('g.role-scope'));
      const cells = panels.length ? panels : [root];
      return {
        legend: texts('g.role-legend-label'),
        symbols,
        xLabels: [...root.querySelectorAll('g.role-axis')]
          .filter((g) => /ring size|processes|ack delay|members n/.test(g.querySelector('g.role-axis-title text')?.textContent ?? ''))
          .flatMap((g) => [...g.querySelectorAll('g.role-axis-label text')].map((t) => t.textContent ?? '')),
        axisLabels: texts('g.role-axis-label'),
        outside,
        panels: panels.length,
        linesPerPanel: cells.map((c) => c.querySelectorAll('g.mark-line path').length),
      };
    });
  });
}

/** Checks what any plot must show; `series` are the legend texts expected, whole. */
function readable(t: import('ava').ExecutionContext, name: string, shown: Shown, series: readonly string[]): void {
  t.deepEqual([...shown.legend].sort(), [...series].sort(), `${name}: every legend text whole and present`);
  t.false(shown.legend.some((l) => l.includes('…')), `${name}: no legend text cut`);
  t.is(new Set(shown.legend).size, shown.legend.length, `${name}: legend texts distinct`);
  t.is(new Set(shown.symbols).size, shown.symbols.length, `${name}: legend symbols distinct (colour, shape, dash)`);
  t.deepEqual(shown.outside, [], `${name}: no text outside the picture`);
  const long = shown.axisLabels.filter((l) => /\.\d{4,}|\.\d*0$/.test(l));
  t.deepEqual(long, [], `${name}: axis labels without trailing zeros or long decimals`);
  t.true(Math.max(...shown.linesPerPanel) <= 10, `${name}: at most 10 lines in one panel (${shown.linesPerPanel.join(', ')})`);
}

const FULL_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
const MESSAGE_SERIES = ['HS bound 8n(1+⌈log2 n⌉)+n', 'HS max over orders', 'HS mean, random order', 'LCR mean, random order', 'LCR max (descending)'];

function messagesOf(sizes: readonly number[]): MessagesResult {
  const comparison = sizes.map((n) => {
    const nl = n * Math.log2(n);
    return { n, bound: 8 * n * (1 + Math.ceil(Math.log2(n))) + n, hsMax: 5.1 * nl, hsMeanRandom: 3.9 * nl, lcrMeanRandom: n * Math.log(n) + n, lcrMax: (n * (n + 1)) / 2 + n };
  });
  return { rows: [], comparison } as unknown as MessagesResult;
}

function overheadOf(delays: readonly (readonly [number, number])[], sizes: readonly number[], ackDelays: readonly number[]): OverheadRow[] {
  return delays.flatMap((delayMs, d) =>
    sizes.flatMap((n) =>
      [0, 0.1, 0.3].flatMap((loss) =>
        ackDelays.map((ackDelayMs) => ({
          n, delayMs, loss, ackDelayMs, isDefault: ackDelayMs === 9, runs: 5, algorithmMessages: 10 * n,
          datagramsPerMessage: 1.05 + loss * 5 + d * 0.02 + ackDelayMs / 400 + n / 1e5,
          pureAcksPerMessage: 0.1, retransmissionsPerMessage: loss, electionMs: 40 + ackDelayMs,
        })),
      ),
    ),
  ) as unknown as OverheadRow[];
}

function latencyOf(sizes: readonly number[]): LatencyRow[] {
  return sizes.map((n) => ({ n, electionMedianMs: 4 * n, ringCriticalPathMs: n * 0.9, relay: { floorMs: n * 1.5 }, bare: { medianMs: n * 1.7 } })) as unknown as LatencyRow[];
}

const LATENCY_SERIES = ['election (median)', 'critical path × ring hop', 'same datagrams, bare relay ring', 'same election, no link layer (median)', '3 × critical path (target)'];

browserTest(`plots: a full run's messages plot labels every size up to 4096, its legend whole${skipNote}`, async (t) => {
  const shown = await show(await renderSvg(messagesSpec(messagesOf(FULL_SIZES))));
  readable(t, 'messages', shown, MESSAGE_SERIES);
  t.deepEqual(shown.xLabels, FULL_SIZES.map(String), 'one tick per measured size, 4096 included');
});

browserTest(`plots: a full run's overhead plot is one panel per loss rate, each line told apart${skipNote}`, async (t) => {
  const rows = overheadOf([[0.05, 0.3], [1, 5]], [64, 256], [0, 5, 9, 20, 50]);
  const shown = await show(await renderSvg(overheadSpec(rows)));
  const settings = ['one-way delay 0.05–0.3 ms, n = 64', 'one-way delay 0.05–0.3 ms, n = 256', 'one-way delay 1–5 ms, n = 64', 'one-way delay 1–5 ms, n = 256'];
  readable(t, 'overhead', shown, settings);
  t.is(shown.panels, 3, 'loss 0, 10 and 30% in panels of their own');
  t.deepEqual(shown.linesPerPanel, [4, 4, 4]);
  t.deepEqual(shown.xLabels, ['0', '5', '9', '20', '50', '0', '5', '9', '20', '50', '0', '5', '9', '20', '50']);
});

browserTest(`plots: the latency plot's legend is whole, sizes labelled as measured${skipNote}`, async (t) => {
  const shown = await show(await renderSvg(latencySpec(latencyOf([8, 16, 32, 64]))));
  readable(t, 'latency', shown, LATENCY_SERIES);
  t.deepEqual(shown.xLabels, ['8', '16', '32', '64']);
  const one = await show(await renderSvg(latencySpec(latencyOf([8]))));
  readable(t, 'latency (one size)', one, LATENCY_SERIES);
});

browserTest(`plots: the plots of a real bench --quick run are readable${skipNote}`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hs-plots-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const r = await runCli(['bench', '--quick', '--only', 'messages,overhead', '--out', dir], 120_000);
  t.is(r.code, 0, r.stderr);
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { messages: MessagesResult; overhead: OverheadRow[] };
  const messages = await show(await readFile(join(dir, 'messages.svg'), 'utf8'));
  readable(t, 'quick messages', messages, MESSAGE_SERIES);
  t.deepEqual(messages.xLabels, results.messages.comparison.map((c) => String(c.n)));
  const overhead = await show(await readFile(join(dir, 'overhead.svg'), 'utf8'));
  readable(t, 'quick overhead', overhead, [...new Set(results.overhead.map((o) => `one-way delay ${o.delayMs.join('–')} ms, n = ${o.n}`))]);
  t.false(overhead.axisLabels.includes('9.000000'));
});

/** A full compare run's shapes: messages to 1,024, the simulated questions to 256, UDP to 64, failover at 5 and 16. */
function compareOf(): CompareResult {
  const algorithms = ['hs', 'lcr', 'bully', 'raft'] as const;
  const mesh = (a: string) => a === 'bully' || a === 'raft';
  return {
    messages: algorithms.flatMap((algorithm) => [8, 16, 32, 64, 128, 256, 512, 1024].map((n) => ({ algorithm, n, electionMessages: algorithm === 'bully' ? (n - 1) * (n + 2) : 4 * n, bound: algorithm === 'hs' ? 8 * n * (1 + Math.ceil(Math.log2(n))) + n : null, elected: 3, runs: 3 }))),
    sim: algorithms.flatMap((algorithm) => [5, 8, 16, 32, 64, 128, 256].map((n) => ({
      algorithm, n, electionMessages: 4 * n, heartbeatsDuringElection: 0, electionMs: 10,
      failoverMs: mesh(algorithm) ? 95 : null, idleDatagramsPerSecond: mesh(algorithm) ? 20 * n : null, leadersUnderPartition: algorithm === 'bully' ? 2 : algorithm === 'raft' ? 1 : null,
    }))),
    udp: algorithms.flatMap((algorithm) => [8, 16, 32, 64].map((n) => ({ algorithm, n, elected: 3, runs: 3, electionMedianMs: 3 + n, datagramsMedian: 10 * n, maxLeadersAtOnce: null, loopDelayMaxMs: 20 }))),
    udpFailover: (['bully', 'raft'] as const).flatMap((algorithm) => [5, 16].map((n) => ({ algorithm, n, failedOver: 3, runs: 3, failoverMedianMs: 250.5 }))),
  };
}

browserTest(`plots: the compare plots, one per question, label every size measured and name every algorithm whole${skipNote}`, async (t) => {
  const r = compareOf();
  const messages = await show(await renderSvg(compareMessagesSpec(r)));
  readable(t, 'compare messages', messages, ['HS', 'LCR', 'Bully', 'Raft-style', 'HS bound 8n(1+⌈log2 n⌉)+n']);
  t.deepEqual(messages.xLabels, ['8', '16', '32', '64', '128', '256', '512', '1024']);
  const udp = await show(await renderSvg(compareUdpElectionSpec(r)));
  readable(t, 'compare UDP election', udp, ['HS', 'LCR', 'Bully', 'Raft-style']);
  t.deepEqual(udp.xLabels, ['8', '16', '32', '64']);
  for (const [name, spec] of [['compare idle', compareIdleSpec(r)], ['compare partition', comparePartitionSpec(r)]] as const) {
    const shown = await show(await renderSvg(spec));
    // One-shot HS and LCR have no line of their own here.
    readable(t, name, shown, ['Bully', 'Raft-style']);
    t.deepEqual(shown.xLabels, ['5', '8', '16', '32', '64', '128', '256']);
  }
  const failover = await show(await renderSvg(compareFailoverSpec(r)));
  readable(t, 'compare failover', failover, ['simulator (virtual time, delays 1–10 ms)', 'loopback UDP, one process (median)']);
  t.true(failover.axisLabels.includes('Bully, n = 16') && failover.axisLabels.includes('Raft-style, n = 5'), failover.axisLabels.join(', '));
});
