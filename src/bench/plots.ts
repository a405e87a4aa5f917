/** The bench's plots as Vega-Lite specs, rendered to SVG with the optional plotting library. */
import type { TopLevelSpec } from 'vega-lite';
import { type FailoverRow, settingLabel } from './failover.js';
import type { LatencyRow } from './latency.js';
import type { MessagesResult } from './messages.js';
import type { OverheadRow } from './overhead.js';
import { round } from './stats.js';

/** Renders a Vega-Lite spec to a standalone SVG document, headless (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on use: Vega takes a noticeable time to load, and every `hs-ring node` process
  // shares this CLI entry point.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Shared by every plot: legend labels are never cut (Vega-Lite's default cuts them at 160 px,
 * which left four distinct texts for twelve lines), axes label only the values measured.
 */
export const LEGEND = { orient: 'bottom', direction: 'vertical', title: null, labelLimit: 0, symbolStrokeWidth: 2 } as const;

/** An x axis on a log2 scale that labels exactly the sizes measured (4096 included), as integers. */
export function sizeAxis(sizes: readonly number[], title: string) {
  return { title, values: [...new Set(sizes)].sort((a, b) => a - b), format: 'd', labelAngle: 0 };
}

/** Messages / (n log2 n) against n: HS (worst order, random mean), LCR, and the HS bound. */
export function messagesSpec(r: MessagesResult): TopLevelSpec {
  const values = r.comparison.flatMap((c) => {
    const nl = c.n * Math.log2(c.n);
    return [
      { n: c.n, series: 'HS bound 8n(1+⌈log2 n⌉)+n', value: round(c.bound / nl) },
      { n: c.n, series: 'HS max over orders', value: round(c.hsMax / nl) },
      { n: c.n, series: 'HS mean, random order', value: round(c.hsMeanRandom / nl) },
      { n: c.n, series: 'LCR mean, random order', value: round(c.lcrMeanRandom / nl) },
      { n: c.n, series: 'LCR max (descending)', value: round(c.lcrMax / nl) },
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Algorithm messages per n·log2 n (simulator)',
    width: 520,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: sizeAxis(r.comparison.map((c) => c.n), 'ring size n') },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'messages / (n log2 n)', format: '~g' } },
      color: { field: 'series', type: 'nominal', scale: { scheme: 'tableau10' }, legend: LEGEND },
      strokeDash: {
        condition: { test: "indexof(datum.series, 'bound') >= 0", value: [6, 3] },
        value: [1, 0],
      },
    },
  };
}

/** Election latency over UDP against n, beside the critical-path limit and the 3× target. */
export function latencySpec(rows: readonly LatencyRow[]): TopLevelSpec {
  const values = rows.flatMap((r) => [
    ...(r.electionMedianMs === null ? [] : [{ n: r.n, series: 'election (median)', ms: r.electionMedianMs }]),
    { n: r.n, series: 'critical path × ring hop', ms: r.ringCriticalPathMs },
    { n: r.n, series: 'same datagrams, bare relay ring', ms: r.relay.floorMs },
    ...(r.bare.medianMs === null ? [] : [{ n: r.n, series: 'same election, no link layer (median)', ms: r.bare.medianMs }]),
    { n: r.n, series: '3 × critical path (target)', ms: round(3 * r.ringCriticalPathMs, 2) },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'HS election over loopback UDP, one process per node',
    width: 520,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: sizeAxis(rows.map((r) => r.n), 'processes n') },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'ms from start signal to last decision', format: '~g' } },
      color: { field: 'series', type: 'nominal', scale: { scheme: 'tableau10' }, legend: LEGEND },
      strokeDash: {
        condition: { test: "indexof(datum.series, 'target') >= 0", value: [6, 3] },
        value: [1, 0],
      },
    },
  };
}

/**
 * Datagrams per algorithm message against the ack delay: one panel per loss rate (small
 * multiples), one line per simulated setting (delay range and ring size) within each, so no
 * panel has more lines than a legend can tell apart by colour and shape.
 */
export function overheadSpec(rows: readonly OverheadRow[]): TopLevelSpec {
  const losses = [...new Set(rows.map((r) => r.loss))].sort((a, b) => a - b);
  const values = rows.map((r) => ({
    ...r,
    panel: `loss ${Math.round(r.loss * 100)}%`,
    setting: `one-way delay ${r.delayMs.join('–')} ms, n = ${r.n}`,
  }));
  // In the order measured (by delay, then n), not alphabetically ("n = 256" before "n = 64").
  const settings = [...new Set(values.map((v) => v.setting))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Wire overhead: datagrams per algorithm message (simulator, random ids)',
    data: { values },
    facet: {
      column: { field: 'panel', type: 'nominal', sort: losses.map((l) => `loss ${Math.round(l * 100)}%`), header: { title: null, labelFontSize: 12 } },
    },
    spec: {
      width: 220,
      height: 240,
      mark: { type: 'line', point: { size: 50, filled: true } },
      encoding: {
        x: {
          field: 'ackDelayMs',
          type: 'quantitative',
          axis: { title: 'ack delay, ms', values: [...new Set(rows.map((r) => r.ackDelayMs))].sort((a, b) => a - b), format: 'd' },
        },
        y: { field: 'datagramsPerMessage', type: 'quantitative', scale: { zero: false }, axis: { title: 'datagrams per algorithm message', format: '~g' } },
        color: { field: 'setting', type: 'nominal', sort: settings, scale: { scheme: 'tableau10' }, legend: LEGEND },
        shape: { field: 'setting', type: 'nominal', sort: settings, legend: LEGEND },
      },
    },
    // Loss multiplies the datagrams: each panel gets the y range of its own lines.
    resolve: { scale: { y: 'independent' } },
  };
}

/** Failover times per fault and member count: p50 and p99 side by side, on a log axis (resigns take ms, crashes a lease). */
export function failoverSpec(rows: readonly FailoverRow[]): TopLevelSpec {
  const kinds = [
    ['crash: to next leader', (r: FailoverRow) => r.crash],
    ['resign: to successor', (r: FailoverRow) => r.resign],
    ['cut off: to its step-down', (r: FailoverRow) => r.partition.stepDown],
    ['cut off: to next leader', (r: FailoverRow) => r.partition.failover],
  ] as const;
  const values = rows.flatMap((r) =>
    kinds.flatMap(([fault, of]) => {
      const x = of(r);
      return [
        ...(x.p50 === null ? [] : [{ fault, n: settingLabel(r.n, r.heartbeats), stat: 'p50', ms: x.p50 }]),
        ...(x.p99 === null ? [] : [{ fault, n: settingLabel(r.n, r.heartbeats), stat: 'p99', ms: x.p99 }]),
      ];
    }),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Leadership failover over loopback UDP (node --stay processes)',
    data: { values },
    facet: { column: { field: 'fault', type: 'nominal', sort: kinds.map(([k]) => k), header: { title: null, labelFontSize: 12 } } },
    spec: {
      width: 140,
      height: 260,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'n', type: 'nominal', axis: { title: null, labelAngle: 0 } },
        xOffset: { field: 'stat', type: 'nominal' },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, axis: { title: 'ms from the fault', format: '~g' } },
        color: { field: 'stat', type: 'nominal', scale: { scheme: 'tableau10' }, legend: LEGEND },
      },
    },
  };
}
