/** The HS core, one spec action at a time (Start, RelayProbe, BounceProbe, ...). */
import test from 'ava';
import { HsNode, type Command, type Message } from '../../src/core/index.js';

const sends = (cs: readonly Command[]) => cs.filter((c) => c.type === 'send');

function started(id: number): HsNode {
  const n = new HsNode(id);
  n.start();
  return n;
}

test('Start: phase 0 probes go both ways with hops 1', (t) => {
  const step = new HsNode(7).start();
  t.is(step.action, 'Start');
  const probe: Message = { kind: 'probe', origin: 7, phase: 0, hops: 1 };
  t.deepEqual(sends(step.commands), [
    { type: 'send', direction: 'left', message: probe },
    { type: 'send', direction: 'right', message: probe },
  ]);
  t.deepEqual(step.commands[0], { type: 'phase', phase: 0 });
});

test('RelayProbe: a larger id below 2^k hops is passed on to the opposite side, one hop more', (t) => {
  const step = started(5).receive('left', { kind: 'probe', origin: 9, phase: 2, hops: 3 });
  t.is(step.action, 'RelayProbe');
  t.deepEqual(sends(step.commands), [
    { type: 'send', direction: 'right', message: { kind: 'probe', origin: 9, phase: 2, hops: 4 } },
  ]);
});

test('BounceProbe: a larger id at exactly 2^k hops turns into a reply going back', (t) => {
  const step = started(5).receive('right', { kind: 'probe', origin: 9, phase: 2, hops: 4 });
  t.is(step.action, 'BounceProbe');
  t.deepEqual(sends(step.commands), [
    { type: 'send', direction: 'right', message: { kind: 'reply', origin: 9, phase: 2 } },
  ]);
});

test('SwallowProbe: a smaller id is not passed on', (t) => {
  const step = started(5).receive('left', { kind: 'probe', origin: 3, phase: 0, hops: 1 });
  t.is(step.action, 'SwallowProbe');
  t.deepEqual(step.commands, []);
});

test('RelayReply: a reply for another node continues in its direction of travel', (t) => {
  const step = started(5).receive('right', { kind: 'reply', origin: 9, phase: 1 });
  t.is(step.action, 'RelayReply');
  t.deepEqual(sends(step.commands), [{ type: 'send', direction: 'left', message: { kind: 'reply', origin: 9, phase: 1 } }]);
});

test('ReceiveReply then AdvancePhase: both replies of phase k start phase k+1', (t) => {
  const n = started(5);
  const first = n.receive('left', { kind: 'reply', origin: 5, phase: 0 });
  t.is(first.action, 'ReceiveReply');
  t.deepEqual(first.commands, []);
  t.is(n.state().phase, 0);
  const second = n.receive('right', { kind: 'reply', origin: 5, phase: 0 });
  t.is(second.action, 'AdvancePhase');
  t.is(n.state().phase, 1);
  const probe: Message = { kind: 'probe', origin: 5, phase: 1, hops: 1 };
  t.deepEqual(sends(second.commands), [
    { type: 'send', direction: 'left', message: probe },
    { type: 'send', direction: 'right', message: probe },
  ]);
});

test('two replies from the same side do not start the next phase', (t) => {
  const n = started(5);
  n.receive('left', { kind: 'reply', origin: 5, phase: 0 });
  const again = n.receive('left', { kind: 'reply', origin: 5, phase: 0 });
  t.not(again.action, 'AdvancePhase');
  t.is(n.state().phase, 0);
});

test('BecomeLeader: a node that receives its own probe decides and announces rightwards', (t) => {
  const n = started(5);
  const step = n.receive('left', { kind: 'probe', origin: 5, phase: 3, hops: 6 });
  t.is(step.action, 'BecomeLeader');
  t.deepEqual(step.commands, [
    { type: 'decide', leader: 5, isLeader: true },
    { type: 'send', direction: 'right', message: { kind: 'announcement', leader: 5 } },
  ]);
  t.is(n.state().status, 'leader');
  // Its other final probe comes back too and changes nothing.
  t.is(n.receive('right', { kind: 'probe', origin: 5, phase: 3, hops: 6 }).action, 'DiscardLate');
});

test('RelayAnnouncement: a node records the leader, forwards it and is done', (t) => {
  const n = started(5);
  const step = n.receive('left', { kind: 'announcement', leader: 9 });
  t.is(step.action, 'RelayAnnouncement');
  t.deepEqual(step.commands, [
    { type: 'decide', leader: 9, isLeader: false },
    { type: 'send', direction: 'right', message: { kind: 'announcement', leader: 9 } },
    { type: 'done' },
  ]);
  t.deepEqual(n.state().status, 'done');
  t.is(n.state().leader, 9);
  t.is(n.receive('right', { kind: 'probe', origin: 9, phase: 3, hops: 2 }).action, 'DiscardLate');
});

test('Finish: the announcement back at the leader ends the election there', (t) => {
  const n = started(5);
  n.receive('left', { kind: 'probe', origin: 5, phase: 0, hops: 1 });
  const step = n.receive('left', { kind: 'announcement', leader: 5 });
  t.is(step.action, 'Finish');
  t.deepEqual(step.commands, [{ type: 'done' }]);
  t.is(n.state().status, 'done');
});

test('ids outside 0..2^53-1 are refused', (t) => {
  t.throws(() => new HsNode(-1));
  t.throws(() => new HsNode(2 ** 53));
  t.throws(() => new HsNode(1.5));
  t.notThrows(() => new HsNode(2 ** 53 - 1));
});

test('AdvancePhase: a new phase needs both of its own replies (the last phase\'s do not carry over), and says so', (t) => {
  const n = started(5);
  n.receive('left', { kind: 'reply', origin: 5, phase: 0 });
  const advance = n.receive('right', { kind: 'reply', origin: 5, phase: 0 });
  t.deepEqual(advance.commands[0], { type: 'phase', phase: 1 }, 'the runtime reports phases from this command');
  const one = n.receive('left', { kind: 'reply', origin: 5, phase: 1 });
  t.is(one.action, 'ReceiveReply');
  t.is(n.state().phase, 1, 'one reply of phase 1 is not enough');
  t.is(n.receive('right', { kind: 'reply', origin: 5, phase: 1 }).action, 'AdvancePhase');
  t.is(n.state().phase, 2);
});
