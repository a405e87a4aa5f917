/**
 * The worker part's plot: for each coordinator, its failover gap against the false failovers its
 * timeout setting causes, one point per setting joined in order of the setting, each labelled with
 * it: shorter timeouts move a coordinator down (quicker failover) and right (more false ones).
 */
import type { TopLevelSpec } from 'vega-lite';
import { LEGEND } from './plots.js';
import type { WorkerCoordinator, WorkerResult } from './worker.js';

const LABELS: Readonly<Record<WorkerCoordinator, string>> = { zookeeper: 'ZooKeeper (session timeout)', etcd: 'etcd (lease TTL)', ring: 'hs-ring (lease)' };

export function workerSpec(r: WorkerResult): TopLevelSpec {
  const values = [...r.rows]
    .sort((a, b) => a.leaseMs - b.leaseMs)
    .map((w) => ({
      series: `${LABELS[w.coordinator]}${w.loss ? `, ${Math.round(w.loss * 100)} % loss` : ', no loss'}`,
      lease: w.leaseMs,
      label: `${w.leaseMs} ms${w.isDefault ? ' (default)' : ''}`,
      falsePerMinute: w.falseFailoversPerMinute,
      gap: w.gapMs.p50,
    }));
  const encoding = {
    x: { field: 'falsePerMinute', type: 'quantitative', axis: { title: 'false failovers per minute (leader\'s signal fired, no kill or pause)', format: '~g' } },
    y: { field: 'gap', type: 'quantitative', scale: { zero: true }, axis: { title: 'failover gap p50, ms (no replica processing)', format: 'd' } },
    color: { field: 'series', type: 'nominal', scale: { scheme: 'tableau10' }, legend: LEGEND },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Payment worker: failover gap against false failovers, per timeout setting', subtitle: 'leaders killed every 2 s and paused past their lease; 5 replicas, one coordinator at a time' },
    width: 520,
    height: 320,
    data: { values },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { ...encoding, order: { field: 'lease', type: 'quantitative' } } },
      { mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 }, encoding: { x: encoding.x, y: encoding.y, color: encoding.color, text: { field: 'label', type: 'nominal' } } },
    ],
  } as TopLevelSpec;
}
