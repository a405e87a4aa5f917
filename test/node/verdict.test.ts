/**
 * The verdict on an election (src/node/verdict.ts): each safety property is reported when, and
 * only when, the nodes' reports break it; stalls alone are never a violation.
 */
import test from 'ava';
import { type Decision, VERDICT_PROPERTIES, describeViolation, judge } from '../../src/node/verdict.js';

const bound = { formula: '8n(1+ceil(log2 n))+n', bound: 100 };
const ids = [3, 9, 5];
const ok = (id: number, leader: number | null = 9): Decision => ({ id, leader, isLeader: leader === id, outcome: leader === null ? 'stalled' : 'ok' });
const properties = (v: ReturnType<typeof judge>) => v.violations.map((x) => x.property);

test('verdict: a clean election keeps every property, agrees on the maximum and names it once', (t) => {
  const v = judge(ids, ids.map((id) => ok(id)), 100, bound);
  t.deepEqual(v.violations, []);
  t.like(v, { maxId: 9, named: [9], leaders: 1, decided: 3, agreed: true, leader: 9, withinBound: true });
});

test('verdict: the maximum is found whatever its position and sign, on rings too big to spread into Math.max', (t) => {
  t.is(judge([-5, -2, -9], [], 0, bound).maxId, -2);
  t.is(judge([9, 3], [], 0, bound).maxId, 9);
  const big = Array.from({ length: 200_000 }, (_, i) => i);
  t.is(judge(big, [], 0, bound).maxId, 199_999);
});

test('verdict: AtMostOneLeader is broken by two nodes claiming leadership, and only then', (t) => {
  const two = judge(ids, [ok(3, 9), { id: 9, leader: 9, isLeader: true, outcome: 'ok' }, { id: 5, leader: 9, isLeader: true, outcome: 'stalled' }], 10, bound);
  t.deepEqual(properties(two), ['AtMostOneLeader']);
  t.is(two.leaders, 2);
  t.is(describeViolation(two.violations[0]!), 'AtMostOneLeader: 2 nodes claim leadership');
  t.deepEqual(properties(judge(ids, [ok(9)], 10, bound)), []);
});

test('verdict: LeaderIsMax names the wrong leader and the maximum; Agreement names every distinct leader, in the order first named', (t) => {
  const v = judge(ids, [ok(3, 5), ok(9, 9), ok(5, 9)], 10, bound);
  t.deepEqual(properties(v), ['LeaderIsMax', 'Agreement']);
  t.is(v.violations[0]!.detail, 'leader 5 named, but the maximum id is 9');
  t.is(v.violations[1]!.detail, 'nodes named 2 different leaders (5, 9)');
  t.deepEqual(v.named, [5, 9]);
  t.false(v.agreed);
  t.is(v.leader, null);
  // All agree, but on a node that is not the maximum: LeaderIsMax alone.
  const wrong = judge(ids, [ok(3, 5), ok(9, 5), { id: 5, leader: 5, isLeader: true, outcome: 'ok' }], 10, bound);
  t.deepEqual(properties(wrong), ['LeaderIsMax']);
  t.true(wrong.agreed, 'agreement is about sameness; LeaderIsMax about which');
});

test('verdict: the leader done while a reporting node never decided breaks Agreement; a stall before the leader is done does not', (t) => {
  const leaderDone: Decision = { id: 9, leader: 9, isLeader: true, outcome: 'ok' };
  const v = judge(ids, [leaderDone, ok(3), ok(5, null)], 10, bound);
  t.deepEqual(properties(v), ['Agreement']);
  t.is(v.violations[0]!.detail, 'leader 9 is done, but 1 nodes never decided');
  t.is(v.decided, 2);
  t.false(v.agreed);
  // The leader itself stalled (its announcement never came back): undecided nodes are a stall only.
  const stalled = judge(ids, [{ ...leaderDone, outcome: 'stalled' }, ok(3), ok(5, null)], 10, bound);
  t.deepEqual(stalled.violations, []);
  // Nobody claims leadership: likewise.
  t.deepEqual(judge(ids, [ok(3), ok(5, null)], 10, bound).violations, []);
});

test('verdict: agreement needs a report from every node of the ring, each naming the one leader', (t) => {
  const missing = judge(ids, [ok(3), ok(9)], 10, bound);
  t.false(missing.agreed, 'a crashed node reports nothing: no agreement claimed');
  t.is(missing.leader, null);
  t.deepEqual(missing.violations, []);
  t.true(judge(ids, ids.map((id) => ok(id)), 10, bound).agreed);
});

test('verdict: MessageBound holds at the bound exactly and breaks one message above, naming the formula and both counts', (t) => {
  t.true(judge(ids, [], 100, bound).withinBound);
  const over = judge(ids, [], 101, bound);
  t.false(over.withinBound);
  t.deepEqual(properties(over), ['MessageBound']);
  t.is(over.violations[0]!.detail, '101 algorithm messages, above 8n(1+ceil(log2 n))+n = 100');
});

test('verdict: at most five leaders are listed in a detail, and violations come in the spec\'s order', (t) => {
  const many = [1, 2, 3, 4, 5, 6, 7, 8];
  const v = judge([...many, 10], many.map((id) => ({ id, leader: id, isLeader: true, outcome: 'ok' as const })), 1_000, bound);
  t.deepEqual(properties(v), [...VERDICT_PROPERTIES]);
  t.is(v.violations[1]!.detail, 'leader 1, 2, 3, 4, 5 named, but the maximum id is 10');
  t.is(v.violations[2]!.detail, 'nodes named 8 different leaders (1, 2, 3, 4, 5)');
  t.is(v.leaders, 8);
});
