/** Renders a space-time diagram as a Vega-Lite chart, to SVG or to a self-contained HTML page. */
import type * as vega from 'vega';
import type { NodeMark, SpaceTime } from './spacetime.js';

/** Class of the SVG group holding one line per delivered message (Vega names it after the mark). */
export const ARROW_MARK = 'arrows';
/** Class of the SVG group of lifeline stretches (up or down) and of the crash/restart/trace-end symbols. */
export const LIFELINE_MARK = 'lifelines';
export const NODE_MARK = 'node-marks';

/** The words beside each mark on a lifeline. */
const MARK_TEXT = { crash: 'crashed', restart: 'restarted', 'trace-ends': 'trace ends' } as const;

/**
 * The space-time diagram as a Vega spec: ring positions across, time downwards, one rule per
 * delivered message from (sender, send time) to (receiver, receive time) with an arrowhead at
 * the receive, coloured by phase. Messages across the ring's seam end on a dashed ghost column
 * of the node they reach (position -1 or n), so no arrow crosses the whole picture.
 */
export function spaceTimeSpec(st: SpaceTime, opts: { title?: string; width?: number; height?: number } = {}): vega.Spec {
  const n = st.ring.length;
  const usesLeft = st.arrows.some((a) => a.x2 < 0);
  const usesRight = st.arrows.some((a) => a.x2 >= n);
  const columns = [
    ...(usesLeft ? [{ x: -1, id: st.ring[n - 1]!, ghost: true }] : []),
    ...st.ring.map((id, x) => ({ x, id, ghost: false })),
    ...(usesRight ? [{ x: n, id: st.ring[0]!, ghost: true }] : []),
  ];
  const times = st.arrows
    .flatMap((a) => [a.sentAt, a.receivedAt])
    .concat(st.undelivered.map((u) => u.sentAt))
    .concat(st.marks.map((m) => m.at));
  const tMax = Math.max(1e-3, ...times);
  const groups = [...new Set(st.arrows.map((a) => a.group))].sort((a, b) =>
    a === 'announcement' ? 1 : b === 'announcement' ? -1 : Number(a.split(' ')[1]) - Number(b.split(' ')[1]),
  );
  const width = opts.width ?? Math.max(360, Math.min(1600, 40 * columns.length));
  const height = opts.height ?? Math.max(360, Math.min(2400, 8 * st.arrows.length));
  const labels = Object.fromEntries(columns.map((c) => [String(c.x), String(c.id)]));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: `space-time diagram of an election on ${n} nodes`,
    width,
    height,
    padding: 8,
    ...(opts.title ? { title: { text: opts.title, anchor: 'start' } } : {}),
    signals: [{ name: 'labels', value: labels }],
    data: [
      { name: 'columns', values: columns },
      { name: 'ghostColumns', values: columns.filter((c) => c.ghost) },
      { name: 'spans', values: st.spans },
      { name: 'life', values: st.marks.map((m) => ({ ...m, text: MARK_TEXT[m.kind] })) },
      { name: 'messages', values: st.arrows },
      { name: 'lost', values: st.undelivered },
      { name: 'decided', values: st.decisions },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [columns[0]!.x - 0.5, columns[columns.length - 1]!.x + 0.5], range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [0, tMax], range: [0, { signal: 'height' }], zero: true, nice: false },
      { name: 'color', type: 'ordinal', domain: groups, range: { scheme: 'tableau10' } },
    ],
    axes: [
      {
        orient: 'top',
        scale: 'x',
        values: columns.map((c) => c.x),
        title: 'node id, in ring order (dashed: the same node again across the seam)',
        encode: { labels: { update: { text: { signal: 'labels[datum.value + ""]' } } } },
      },
      { orient: 'left', scale: 'y', title: 'ms since start', grid: false },
    ],
    legends: [{ stroke: 'color', title: 'message', symbolType: 'stroke' }],
    marks: [
      {
        // Ghost columns: the same node again across the seam, dashed and always whole.
        type: 'rule',
        name: 'ghosts',
        from: { data: 'ghostColumns' },
        encode: {
          update: {
            x: { scale: 'x', field: 'x' },
            y: { value: 0 },
            y2: { signal: 'height' },
            stroke: { value: '#bbb' },
            strokeDash: { value: [4, 4] },
          },
        },
      },
      {
        // A node's lifeline: solid grey while it is up, dotted red while it is down (crashed).
        type: 'rule',
        name: LIFELINE_MARK,
        from: { data: 'spans' },
        encode: {
          update: {
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'from' },
            y2: { signal: "datum.to == null ? height : scale('y', datum.to)" },
            stroke: { signal: "datum.up ? '#bbb' : '#d62728'" },
            strokeWidth: { signal: 'datum.up ? 1 : 1.5' },
            strokeDash: { signal: 'datum.up ? [1, 0] : [2, 3]' },
          },
        },
      },
      {
        type: 'rule',
        name: ARROW_MARK,
        from: { data: 'messages' },
        encode: {
          update: {
            x: { scale: 'x', field: 'x1' },
            y: { scale: 'y', field: 'sentAt' },
            x2: { scale: 'x', field: 'x2' },
            y2: { scale: 'y', field: 'receivedAt' },
            stroke: { scale: 'color', field: 'group' },
            strokeWidth: { signal: "datum.kind === 'announcement' ? 2 : 1.2" },
            strokeDash: { signal: "datum.kind === 'reply' ? [4, 2] : [1, 0]" },
            tooltip: { signal: "datum.label + ': ' + format(datum.sentAt, '.3f') + ' -> ' + format(datum.receivedAt, '.3f') + ' ms'" },
          },
        },
      },
      {
        type: 'symbol',
        name: 'heads',
        from: { data: 'messages' },
        encode: {
          update: {
            shape: { value: 'triangle-up' },
            size: { value: 30 },
            x: { scale: 'x', field: 'x2' },
            y: { scale: 'y', field: 'receivedAt' },
            fill: { scale: 'color', field: 'group' },
            // Point the head along the line, in pixels (triangle-up points up at angle 0).
            angle: {
              signal: "atan2(scale('x', datum.x2) - scale('x', datum.x1), scale('y', datum.sentAt) - scale('y', datum.receivedAt)) * 180 / PI",
            },
          },
        },
      },
      {
        type: 'symbol',
        name: 'undelivered',
        from: { data: 'lost' },
        encode: {
          update: {
            shape: { value: 'cross' },
            size: { value: 40 },
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'sentAt' },
            fill: { value: '#999' },
            tooltip: { signal: "datum.label + ' sent, never received'" },
          },
        },
      },
      {
        type: 'symbol',
        name: NODE_MARK,
        from: { data: 'life' },
        encode: {
          update: {
            shape: { signal: "datum.kind === 'crash' ? 'cross' : datum.kind === 'restart' ? 'triangle-down' : 'square'" },
            angle: { signal: "datum.kind === 'crash' ? 45 : 0" },
            size: { signal: "datum.kind === 'trace-ends' ? 40 : 160" },
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'at' },
            fill: { signal: "datum.kind === 'crash' ? '#d62728' : datum.kind === 'restart' ? '#2ca02c' : '#777'" },
            tooltip: { signal: "'node ' + datum.id + ' ' + datum.text + ' at ' + format(datum.at, '.3f') + ' ms'" },
          },
        },
      },
      {
        type: 'text',
        name: 'life-labels',
        from: { data: 'life' },
        encode: {
          update: {
            x: { scale: 'x', field: 'x', offset: 8 },
            y: { scale: 'y', field: 'at' },
            baseline: { value: 'middle' },
            fontSize: { value: 10 },
            fill: { signal: "datum.kind === 'crash' ? '#d62728' : datum.kind === 'restart' ? '#2ca02c' : '#777'" },
            text: { field: 'text' },
          },
        },
      },
      {
        type: 'symbol',
        name: 'decisions',
        from: { data: 'decided' },
        encode: {
          update: {
            shape: { value: 'diamond' },
            size: { signal: 'datum.isLeader ? 140 : 50' },
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'at' },
            fill: { signal: "datum.isLeader ? '#d62728' : '#333'" },
            tooltip: { signal: "'node ' + datum.id + (datum.isLeader ? ' becomes leader' : ' learns the leader')" },
          },
        },
      },
    ],
  } as vega.Spec;
}

/** Renders the diagram to a standalone SVG document with Vega, headless. */
export async function spaceTimeSvg(st: SpaceTime, title?: string): Promise<string> {
  // Loaded on use, so the many `hs-ring node` processes sharing this CLI do not pay for Vega.
  const vega = await import('vega');
  const view = new vega.View(vega.parse(spaceTimeSpec(st, title ? { title } : {})), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A self-contained HTML page: a caption with the counts, then the SVG (no script, no network). */
export async function spaceTimeHtml(st: SpaceTime, title: string): Promise<string> {
  const svg = await spaceTimeSvg(st);
  const leader = st.decisions.find((d) => d.isLeader)?.id;
  const caption =
    `${st.ring.length} nodes; ${st.arrows.length} messages delivered (one arrow each: solid probe, dashed reply, thick announcement; ` +
    `colour = phase), ${st.undelivered.length} sent but never received (crosses)` +
    (leader === undefined ? '' : `; leader ${leader} (red diamond), every other diamond a node learning it`) +
    lifeCaption(st) +
    (st.orphanReceives ? `; ${st.orphanReceives} receives without a send in the trace` : '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}figure{margin:0}figcaption{margin:.5em 0 1em;color:#444;max-width:70em}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<figure data-arrows="${st.arrows.length}">
<figcaption>${escapeHtml(caption)}</figcaption>
${svg}
</figure>
</body>
</html>
`;
}

/** The caption's part about crashes, restarts and traces that end early; empty when there are none. */
function lifeCaption(st: SpaceTime): string {
  const ids = (kind: NodeMark['kind']) => st.marks.filter((m) => m.kind === kind).map((m) => m.id);
  const crashed = ids('crash');
  const restarted = ids('restart');
  const ended = ids('trace-ends');
  return (
    (crashed.length ? `; crashed: node ${crashed.join(', ')} (red X, dotted red lifeline while down)` : '') +
    (restarted.length ? `; restarted: node ${restarted.join(', ')} (green triangle)` : '') +
    (ended.length ? `; trace ends before the node knew the leader: node ${ended.join(', ')} (grey square)` : '')
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
