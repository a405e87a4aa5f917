/**
 * Bully and Raft-style cores transition by transition: what each input makes a node send, which
 * timers it sets, and the rules safety rests on (one vote per term, kept across a restart).
 */
import test from 'ava';
import { BullyNode, bullyTimeouts, DEFAULT_BULLY_SETTINGS } from '../../src/core/bully.js';
import type { MeshCommand } from '../../src/core/mesh-core.js';
import { RaftElectionNode, type RaftMessage } from '../../src/core/raft-election.js';

const members = [1, 2, 3, 4, 5];
const zero = () => 0;
const sends = <M>(cs: readonly MeshCommand<M>[]) => cs.filter((c) => c.type === 'send').map((c) => (c.type === 'send' ? [c.to, c.message] : null));
const timers = <M>(cs: readonly MeshCommand<M>[]) => cs.filter((c) => c.type === 'setTimer').map((c) => (c.type === 'setTimer' ? [c.timer, c.at] : null));
const timeouts = bullyTimeouts(DEFAULT_BULLY_SETTINGS);

test('Bully: the highest id takes office at start and tells everyone; a lower one asks only the higher ids', (t) => {
  const top = new BullyNode(5, { members, random: zero });
  const s = top.start(0);
  t.deepEqual(sends(s.commands), [1, 2, 3, 4].map((p) => [p, { kind: 'coordinator' }]));
  t.deepEqual(s.commands.at(-1), { type: 'leader', leader: 5, isLeader: true });
  const low = new BullyNode(3, { members, random: zero });
  const l = low.start(0);
  t.deepEqual(sends(l.commands), [[4, { kind: 'election' }], [5, { kind: 'election' }]]);
  t.deepEqual(timers(l.commands), [['answer', timeouts.answer]]);
});

test('Bully: an answer makes a node wait for the coordinator; no answer in time makes it leader', (t) => {
  const a = new BullyNode(3, { members, random: zero });
  a.start(0);
  const answered = a.receive(5, { kind: 'answer' }, 4);
  t.is(a.state().status, 'waiting');
  t.deepEqual(timers(answered.commands), [['coordinator', 4 + timeouts.coordinator]]);
  t.deepEqual(a.fire('answer', timeouts.answer).commands, [], 'an answer timer that fires after the answer does nothing');
  const b = new BullyNode(3, { members, random: zero });
  b.start(0);
  const won = b.fire('answer', timeouts.answer);
  t.is(won.action, 'AnswerTimeout');
  t.true(b.isLeader());
  t.deepEqual(sends(won.commands).map((x) => x![0]), [1, 2, 4, 5]);
});

test('Bully: a leader answers a lower election and reminds it who leads; a follower of a live leader only answers', (t) => {
  const leader = new BullyNode(5, { members, random: zero });
  leader.start(0);
  t.deepEqual(sends(leader.receive(2, { kind: 'election' }, 10).commands), [[2, { kind: 'answer' }], [2, { kind: 'coordinator' }]]);
  const follower = new BullyNode(4, { members, random: zero });
  follower.start(0);
  follower.receive(5, { kind: 'coordinator' }, 5);
  t.deepEqual(sends(follower.receive(2, { kind: 'election' }, 20).commands), [[2, { kind: 'answer' }]]);
  t.is(follower.state().status, 'follower');
  // Its leader has missed a beat (a period plus the delay bound): the lower election is a hint, and it calls its own.
  const late = follower.receive(1, { kind: 'election' }, 5 + DEFAULT_BULLY_SETTINGS.heartbeatEvery + DEFAULT_BULLY_SETTINGS.delayBound + 1);
  t.deepEqual(sends(late.commands), [[1, { kind: 'answer' }], [5, { kind: 'election' }]]);
});

test('Bully: a follower whose leader falls silent calls an election; a lower leader steps down for a higher one', (t) => {
  const f = new BullyNode(2, { members, random: zero });
  f.start(0);
  f.receive(4, { kind: 'coordinator' }, 3);
  const silent = f.fire('leaderCheck', 3 + timeouts.leaderCheck);
  t.is(silent.action, 'LeaderTimeout');
  t.deepEqual(sends(silent.commands).map((x) => x![0]), [3, 4, 5]);
  const low = new BullyNode(5, { members: [1, 5, 9], random: zero });
  low.start(0);
  low.fire('answer', timeouts.answer);
  t.true(low.isLeader());
  low.receive(9, { kind: 'heartbeat' }, 100);
  t.false(low.isLeader());
  t.is(low.knownLeader(), 9);
});

function raftNode(id: number, restored?: unknown) {
  const n = new RaftElectionNode(id, { members, random: zero, ...(restored ? { restored } : {}) });
  n.start(0);
  return n;
}
const vote = (term: number): RaftMessage => ({ kind: 'requestVote', term });

test('Raft: one vote per term: the first candidate gets it, a second of the same term is refused, even after a restart', (t) => {
  const n = raftNode(1);
  t.deepEqual(sends(n.receive(2, vote(1), 10).commands), [[2, { kind: 'requestVoteResp', term: 1, granted: true }]]);
  t.deepEqual(sends(n.receive(3, vote(1), 11).commands), [[3, { kind: 'requestVoteResp', term: 1, granted: false }]]);
  t.deepEqual(sends(n.receive(2, vote(1), 12).commands), [[2, { kind: 'requestVoteResp', term: 1, granted: true }]], 'a duplicate request is granted again');
  const restarted = raftNode(1, n.durable());
  t.deepEqual(sends(restarted.receive(3, vote(1), 20).commands), [[3, { kind: 'requestVoteResp', term: 1, granted: false }]]);
});

test('Raft: PreVote asks for term+1 without raising the term; a majority of pre-votes starts the real round; a majority of votes makes a leader', (t) => {
  const n = raftNode(1);
  const timeout = n.fire('election', 300);
  t.is(n.state().role, 'preCandidate');
  t.is(n.state().term, 0);
  t.deepEqual(sends(timeout.commands).map((x) => x![1]), [2, 3, 4, 5].map(() => ({ kind: 'preVote', term: 1 })));
  n.receive(2, { kind: 'preVoteResp', term: 1, granted: true }, 305);
  n.receive(3, { kind: 'preVoteResp', term: 1, granted: true }, 306);
  t.is(n.state().role, 'candidate');
  t.is(n.state().term, 1);
  n.receive(2, { kind: 'requestVoteResp', term: 1, granted: true }, 310);
  const won = n.receive(4, { kind: 'requestVoteResp', term: 1, granted: true }, 311);
  t.true(n.isLeader());
  t.deepEqual(won.commands.at(-1), { type: 'leader', leader: 1, isLeader: true });
  t.true(sends(won.commands).every((x) => (x![1] as RaftMessage).kind === 'heartbeat'));
});

test('Raft: in lease a follower ignores vote requests of a higher term; a stale heartbeat is answered with the current term', (t) => {
  const n = raftNode(1);
  n.receive(2, { kind: 'heartbeat', term: 3 }, 10);
  t.is(n.knownLeader(), 2);
  t.deepEqual(n.receive(3, { kind: 'preVote', term: 4 }, 20).commands, []);
  t.deepEqual(n.receive(3, vote(4), 21).commands, []);
  t.is(n.state().term, 3);
  t.deepEqual(sends(n.receive(4, { kind: 'heartbeat', term: 2 }, 30).commands), [[4, { kind: 'heartbeatResp', term: 3 }]]);
});

test('Raft: CheckQuorum steps a leader down when no majority answered in an election timeout', (t) => {
  const n = new RaftElectionNode(1, { members: [1, 2, 3], random: zero });
  n.start(0);
  n.fire('election', 300);
  n.receive(2, { kind: 'preVoteResp', term: 1, granted: true }, 301);
  n.receive(2, { kind: 'requestVoteResp', term: 1, granted: true }, 302);
  t.true(n.isLeader());
  n.receive(2, { kind: 'heartbeatResp', term: 1 }, 310);
  n.fire('checkQuorum', 602);
  t.true(n.isLeader(), 'node 2 answered: with the leader, a majority of 3');
  n.fire('checkQuorum', 902);
  t.false(n.isLeader());
  t.is(n.state().term, 1);
});

test('both cores drop a message from a non-member or from themselves, and refuse inputs before start with a named error', (t) => {
  const b = new BullyNode(3, { members, random: zero });
  t.throws(() => b.receive(5, { kind: 'answer' }, 0), { name: 'MeshCoreUsageError' });
  b.start(0);
  t.deepEqual(b.receive(42, { kind: 'election' }, 1), { action: 'DropForeign', commands: [] });
  const r = raftNode(1);
  t.deepEqual(r.receive(42, vote(9), 1), { action: 'DropForeign', commands: [] });
  t.deepEqual(r.receive(1, vote(9), 1), { action: 'DropForeign', commands: [] });
  t.is(r.state().term, 0);
  t.throws(() => new BullyNode(6, { members, random: zero }), { name: 'MeshCoreUsageError' });
});
