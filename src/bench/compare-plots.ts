/**
 * The plots of `bench --only compare`, one per question: messages per election against n,
 * election time over UDP against n, failover after the leader crashes, idle datagrams per
 * second, and leaders acting under a partition. Vega-Lite specs, rendered by renderSvg.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Compared } from '../sim/compare.js';
import type { CompareResult } from './compare.js';
import { LEGEND, sizeAxis } from './plots.js';

/** What each algorithm is called in a legend. */
export const ALGORITHM_LABELS: Readonly<Record<Compared, string>> = { hs: 'HS', lcr: 'LCR', bully: 'Bully', raft: 'Raft-style' };
const ORDER = Object.values(ALGORITHM_LABELS);
/** Each series keeps its colour (tableau10) in every plot, whichever series a plot shows. */
const COLOURS: Readonly<Record<string, string>> = { HS: '#4c78a8', LCR: '#f58518', Bully: '#e45756', 'Raft-style': '#72b7b2' };
const OTHER_COLOURS = ['#54a24b', '#eeca3b', '#b279a2'];
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const ONE_SHOT = 'HS and LCR elect once and stop: no failover, no idle traffic, no leader to cut off';

/** The compare plots by file name, for the questions the result answers. */
export function comparePlots(r: CompareResult): Record<string, TopLevelSpec> {
  return {
    'compare-messages.svg': compareMessagesSpec(r),
    'compare-udp-election.svg': compareUdpElectionSpec(r),
    'compare-failover.svg': compareFailoverSpec(r),
    'compare-idle.svg': compareIdleSpec(r),
    'compare-partition.svg': comparePartitionSpec(r),
  };
}

/** One line per algorithm against n on a log2 axis. */
function lines(title: string, values: readonly { n: number; series: string; value: number }[], yTitle: string, log: boolean, xTitle: string, dashed?: string, integer = false): TopLevelSpec {
  const series = [...ORDER.filter((s) => values.some((v) => v.series === s)), ...new Set(values.map((v) => v.series).filter((s) => !ORDER.includes(s)))];
  return {
    $schema: SCHEMA,
    title,
    width: 520,
    height: 320,
    data: { values: [...values] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: sizeAxis(values.map((v) => v.n), xTitle) },
      y: { field: 'value', type: 'quantitative', scale: log ? { type: 'log' } : { zero: true }, axis: integer ? { title: yTitle, tickMinStep: 1, format: 'd' } : { title: yTitle, format: '~g' } },
      color: { field: 'series', type: 'nominal', sort: series, scale: { domain: series, range: colours(series) }, legend: LEGEND },
      shape: { field: 'series', type: 'nominal', sort: series, scale: { domain: series, range: series.map((s) => SHAPES[s] ?? 'diamond') }, legend: LEGEND },
      strokeDash: dashed === undefined ? { value: [1, 0] } : { condition: { test: `datum.series === '${dashed}'`, value: [6, 3] }, value: [1, 0] },
    },
  };
}

const HS_BOUND = 'HS bound 8n(1+⌈log2 n⌉)+n';

/** Messages per election against n, from the simulator over ideal channels, with HS's bound. */
export function compareMessagesSpec(r: CompareResult): TopLevelSpec {
  // A count from runs that had not all elected is not the cost of an election: left out, and said so.
  const whole = r.messages.filter((m) => m.elected === m.runs);
  const values = whole.map((m) => ({ n: m.n, series: ALGORITHM_LABELS[m.algorithm], value: m.electionMessages }));
  for (const m of r.messages) if (m.algorithm === 'hs' && m.bound !== null) values.push({ n: m.n, series: HS_BOUND, value: m.bound });
  const spec = lines('Algorithm messages per election (simulator, no loss, heartbeats aside)', values, 'messages', true, 'members n', HS_BOUND);
  const missing = r.messages.filter((m) => m.elected < m.runs).map((m) => `${ALGORITHM_LABELS[m.algorithm]} at n = ${m.n}: a leader in ${m.elected} of ${m.runs} runs within 3 s, not drawn`);
  return missing.length ? withSubtitle(spec, missing.join('; ')) : spec;
}

/** Median election time over loopback UDP against n. */
export function compareUdpElectionSpec(r: CompareResult): TopLevelSpec {
  const values = r.udp.flatMap((u) => (u.electionMedianMs === null || u.electionMedianMs <= 0 ? [] : [{ n: u.n, series: ALGORITHM_LABELS[u.algorithm], value: u.electionMedianMs }]));
  return lines('Election over loopback UDP, all nodes in one process (median)', values, 'ms from start to agreement', true, 'members n');
}

/** Idle datagrams per second against n (simulator): the price of keeping a leader. */
export function compareIdleSpec(r: CompareResult): TopLevelSpec {
  const values = r.sim.flatMap((c) => (c.idleDatagramsPerSecond === null ? [] : [{ n: c.n, series: ALGORITHM_LABELS[c.algorithm], value: c.idleDatagramsPerSecond }]));
  return withSubtitle(lines('Datagrams per second while idle, leader in office (simulator)', values, 'datagrams per second', true, 'members n'), ONE_SHOT);
}

/** Most leaders acting at once while the leader and a minority are cut off (simulator). */
export function comparePartitionSpec(r: CompareResult): TopLevelSpec {
  const values = r.sim.flatMap((c) => (c.leadersUnderPartition === null ? [] : [{ n: c.n, series: ALGORITHM_LABELS[c.algorithm], value: c.leadersUnderPartition }]));
  return withSubtitle(lines('Leaders acting at once, leader and a minority cut off for 5 s (simulator)', values, 'most leaders at once', false, 'members n', undefined, true), ONE_SHOT);
}

/**
 * Failover after the leader crashes, for the failover sizes: the simulator's virtual time beside
 * loopback UDP (the process's clock), one bar each, grouped by algorithm and n.
 */
export function compareFailoverSpec(r: CompareResult): TopLevelSpec {
  const sizes = new Set(r.udpFailover.map((f) => f.n));
  const group = (a: Compared, n: number) => `${ALGORITHM_LABELS[a]}, n = ${n}`;
  const values = [
    ...r.sim.flatMap((c) => (c.failoverMs === null || !sizes.has(c.n) ? [] : [{ group: group(c.algorithm, c.n), how: 'simulator (virtual time, delays 1–10 ms)', ms: Math.round(c.failoverMs * 10) / 10 }])),
    ...r.udpFailover.flatMap((f) => (f.failoverMedianMs === null ? [] : [{ group: group(f.algorithm, f.n), how: 'loopback UDP, one process (median)', ms: f.failoverMedianMs }])),
  ];
  const groups = [...new Set(values.map((v) => v.group))].sort((a, b) => (a.split(',')[0] === b.split(',')[0] ? Number(a.split('= ')[1]) - Number(b.split('= ')[1]) : a.localeCompare(b)));
  return {
    $schema: SCHEMA,
    title: { text: 'Failover: leader crash to a new leader every survivor knows', subtitle: ONE_SHOT },
    width: 520,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'group', type: 'nominal', sort: groups, axis: { title: null, labelLimit: 0 } },
      yOffset: { field: 'how', type: 'nominal' },
      x: { field: 'ms', type: 'quantitative', axis: { title: 'ms', format: 'd' } },
      color: { field: 'how', type: 'nominal', scale: { scheme: 'tableau10' }, legend: LEGEND },
    },
  };
}

const SHAPES: Readonly<Record<string, string>> = { HS: 'circle', LCR: 'square', Bully: 'triangle-up', 'Raft-style': 'cross' };

function colours(series: readonly string[]): string[] {
  let other = 0;
  return series.map((s) => COLOURS[s] ?? OTHER_COLOURS[other++ % OTHER_COLOURS.length]!);
}

function withSubtitle(spec: TopLevelSpec, subtitle: string): TopLevelSpec {
  return { ...spec, title: { text: spec.title as string, subtitle } } as TopLevelSpec;
}
