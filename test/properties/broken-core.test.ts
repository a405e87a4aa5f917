/** The property suite can fail: a deliberately broken core is caught with a shrunk counterexample. */
import test from 'ava';
import fc from 'fast-check';
import type { ElectionCore } from '../../src/core/election-core.js';
import { HsNode } from '../../src/core/hs.js';
import { type Direction, type Message, type Step, opposite } from '../../src/core/types.js';
import { simCaseArbitrary } from './cases.js';
import { simProperty } from './harness.js';

/**
 * HS with one bug: a probe from a smaller id is relayed (or bounced) instead of swallowed, so
 * every node's probes survive and several nodes become leader.
 */
class RelaysSmallerIds implements ElectionCore {
  private readonly inner: HsNode;
  constructor(readonly id: number) {
    this.inner = new HsNode(id);
  }
  start(): Step {
    return this.inner.start();
  }
  state() {
    return this.inner.state();
  }
  receive(from: Direction, m: Message): Step {
    const step = this.inner.receive(from, m);
    if (step.action !== 'SwallowProbe' || m.kind !== 'probe') return step;
    if (m.hops < 2 ** m.phase) {
      return { action: 'RelayProbe', commands: [{ type: 'send', direction: opposite(from), message: { ...m, hops: m.hops + 1 } }] };
    }
    return { action: 'BounceProbe', commands: [{ type: 'send', direction: from, message: { kind: 'reply', origin: m.origin, phase: m.phase } }] };
  }
}

/** HS cases only: the broken core replaces HS, not LCR. */
const hsCases = simCaseArbitrary.map((c) => ({ ...c, algorithm: 'hs' as const }));

test('the suite can fail: a core that relays smaller ids violates AtMostOneLeader, with a shrunk counterexample', (t) => {
  const details = fc.check(simProperty('AtMostOneLeader', hsCases, (id) => new RelaysSmallerIds(id)), { numRuns: 200, seed: 42 });
  t.true(details.failed);
  const [example] = details.counterexample!;
  t.log(fc.defaultReportMessage(details)?.split('\n').slice(0, 3).join('\n'));
  // Shrinking reaches the smallest ring with two leaders: two nodes, each relaying the other's probe.
  t.is(example.ids.length, 2);
  t.true(details.numShrinks > 0);
  t.regex(String(details.errorInstance), /AtMostOneLeader violated: 2 nodes claim leadership/);
});

test('the suite can fail: the same broken core also breaks LeaderIsMax and Agreement', (t) => {
  for (const name of ['LeaderIsMax', 'Agreement'] as const) {
    const details = fc.check(simProperty(name, hsCases, (id) => new RelaysSmallerIds(id)), { numRuns: 200, seed: 7 });
    t.true(details.failed, name);
  }
});
