/** The human-readable report of a ring's outcome, printed by run-ring.sh, launch and sim. */
import { DEFAULT_ALGORITHM } from '../core/algorithms.js';
import type { RingSummary } from '../cluster/ring-summary.js';
import { total } from '../link/stats.js';

/** `clock`: whose milliseconds the times are: the wall clock (launch) or the simulator's virtual time. */
export function formatSummary(s: RingSummary, clock: 'wall' | 'virtual' = 'wall'): string {
  const lines: string[] = [];
  const everyone = s.n === 1 ? 'by the only node' : `by all ${s.n} nodes`;
  const verdict =
    s.outcome === 'elected'
      ? `leader ${s.leader} (the maximum id), agreed ${everyone}`
      : s.outcome === 'wrong'
        ? `WRONG RESULT: ${s.violations.join('; ')} (${describeLeaders(s)}; maximum id ${s.maxId})`
        : `STALLED: no agreement on a leader (${describeLeaders(s)})`;
  lines.push(verdict);
  if (s.killedAfterDecision !== null) {
    lines.push(
      s.outcome === 'elected'
        ? `the election finished, then node ${s.killedAfterDecision} was killed (it had decided; it sent no result)`
        : `node ${s.killedAfterDecision} was killed after it had decided (its decision counts; it sent no result)`,
    );
  }
  const m = s.messages;
  const b = s.algorithmBound;
  lines.push(
    `algorithm messages: ${m.total} (probe ${m.probe}, reply ${m.reply}, announcement ${m.announcement}); ` +
      `${s.algorithm === DEFAULT_ALGORITHM ? '' : `${s.algorithm.toUpperCase()} `}bound ${b.formula} = ${b.bound}: ` +
      `${b.withinBound ? 'within' : 'EXCEEDED'} (${pct(m.total, b.bound)} of it)`,
  );
  // Another algorithm is not held to HS's bound; shown beside it for comparison only.
  if (s.algorithm !== 'hs') lines.push(`for comparison, HS's bound 8n(1+ceil(log2 n))+n = ${m.bound} (${pct(m.total, m.bound)} of it)`);
  const d = s.datagrams;
  lines.push(
    `datagrams: ${d.sent} sent (${d.perMessage} per algorithm message), ${d.retransmissions} retransmissions, ` +
      `${d.pureAcks} pure acks, ${d.duplicates} duplicates received` +
      (total(d.dropped) > 0 ? `, ${total(d.dropped)} dropped (${describeDrops(d.dropped)})` : ''),
  );
  lines.push(`phases: ${s.phases.map((c, k) => `${k}:${c}`).join(' ')} (nodes that started each phase)`);
  const unit = clock === 'virtual' ? 'virtual ms' : 'ms';
  lines.push(
    `time${clock === 'virtual' ? ' (virtual, simulated)' : ''}: ` +
      `${s.electionMs === null ? 'undecided' : `${s.electionMs} ${unit} to the last decision`}, ${s.elapsedMs} ${unit} in all`,
  );
  for (const st of s.stalls) {
    lines.push(`node ${st.id}: ${st.reason}${st.unreachable.length ? `; unreachable: ${st.unreachable.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

function describeLeaders(s: RingSummary): string {
  return `${s.leaders} leader(s), ${s.agreed ? 'agreed' : 'not agreed'}`;
}

function describeDrops(d: Record<string, number>): string {
  return Object.entries(d)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}
