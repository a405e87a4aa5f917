/**
 * The member state machine, input by input: the grant rules, persist-before-send, epochs, the
 * lease and its renewal, step-down, resign, and the candidate choice given from outside.
 */
import test from 'ava';
import { LeadershipMember, type MemberConfig } from '../../src/core/leadership/member.js';
import { DEFAULT_TIMING, grantPeriod } from '../../src/core/leadership/settings.js';
import { FRESH, type LeadershipCommand, type LeadershipStep } from '../../src/core/leadership/types.js';

const ids = [10, 20, 30];
const D = grantPeriod(DEFAULT_TIMING);
const L = DEFAULT_TIMING.lease;

function member(self: number, extra: Partial<MemberConfig> = {}): LeadershipMember {
  return new LeadershipMember({ members: ids, self, random: () => 0.5, ...extra });
}

const sends = (s: LeadershipStep, kind?: string) =>
  s.commands.filter((c): c is Extract<LeadershipCommand, { type: 'send' }> => c.type === 'send' && (kind === undefined || c.message.kind === kind));
const kinds = (s: LeadershipStep) => s.commands.map((c) => (c.type === 'send' ? c.message.kind : c.type));

test('GrantEpoch: refused during the quiet period after a start, granted after it, and the promise is persisted before the Grant leaves', (t) => {
  const m = member(10);
  m.start(0, FRESH);
  const early = m.receive(D - 1, 30, { kind: 'Request', epoch: 5 });
  t.like(sends(early, 'Refuse')[0]?.message, { kind: 'Refuse', reason: 'quiet', epoch: 5 });
  const step = m.receive(D, 30, { kind: 'Request', epoch: 5 });
  t.deepEqual(step.actions.includes('GrantEpoch'), true);
  const k = kinds(step);
  t.true(k.indexOf('persist') >= 0 && k.indexOf('persist') < k.indexOf('Grant'), k.join(','));
  t.deepEqual(step.commands.find((c) => c.type === 'persist'), { type: 'persist', state: { promised: 5, counter: 0 } });
});

test('GrantEpoch: refused while an unexpired grant to another member is held, and for an epoch not above the promise', (t) => {
  const m = member(10);
  m.start(0, FRESH);
  m.receive(D, 30, { kind: 'Request', epoch: 5 });
  t.like(sends(m.receive(D + 10, 20, { kind: 'Request', epoch: 7 }), 'Refuse')[0]?.message, { reason: 'held', leader: 30, leaderEpoch: 5 });
  t.like(sends(m.receive(2 * D + 1, 20, { kind: 'Request', epoch: 4 }), 'Refuse')[0]?.message, { reason: 'stale', promised: 5 });
  t.is(sends(m.receive(2 * D + 2, 20, { kind: 'Request', epoch: 7 }), 'Grant').length, 1);
});

test('GrantEpoch: a restarted member keeps its persisted promise and refuses lower epochs', (t) => {
  const m = member(10);
  m.start(0, { promised: 8, counter: 2 });
  t.like(sends(m.receive(D + 1, 20, { kind: 'Request', epoch: 7 }), 'Refuse')[0]?.message, { reason: 'stale', promised: 8 });
});

test('RequestGrants: the epoch is counter*N + rank above every epoch seen, persisted with the counter before any Request leaves', (t) => {
  const m = member(30); // rank 2, the highest id: the view's pick
  m.start(0, { promised: 7, counter: 1 });
  m.receive(D - 1, 10, { kind: 'Heartbeat', quietLeft: 0 });
  const step = m.tick(D);
  t.true(step.actions.includes('RequestGrants'));
  // The smallest counter above 1 whose epoch for rank 2 exceeds 7: 2 (2*3+2 = 8).
  t.deepEqual(step.commands.find((c) => c.type === 'persist'), { type: 'persist', state: { promised: 8, counter: 2 } });
  const k = kinds(step);
  t.true(k.indexOf('persist') < k.indexOf('Request'));
  t.deepEqual(sends(step, 'Request').map((c) => c.to), [10, 20]);
});

test('TakeOffice: only with a majority of grants, the lease measured from the send of the request; renewed by a majority, else StepDown before it ends', (t) => {
  const m = member(30);
  m.start(0, FRESH);
  m.receive(D - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
  const req = m.tick(D);
  const epoch = (sends(req, 'Request')[0]!.message as { epoch: number }).epoch;
  t.is(epoch % 3, 2);
  const took = m.receive(D + 3, 20, { kind: 'Grant', epoch });
  t.deepEqual(took.commands.find((c) => c.type === 'takeOffice'), { type: 'takeOffice', epoch, leaseEnd: D + L });
  t.true(m.inOffice(D + 3));
  // Renewals every H; a majority ack (itself and 20) extends the lease from the renewal's send.
  const renew = m.tick(D + 3 + 50);
  const round = (sends(renew, 'Renew')[0]!.message as { round: number }).round;
  const ext = m.receive(D + 60, 20, { kind: 'RenewAck', epoch, round });
  t.deepEqual(ext.commands.find((c) => c.type === 'extendLease'), { type: 'extendLease', epoch, leaseEnd: D + 53 + L });
  // No more acks: it steps down stepDownMargin before the lease ends.
  let last: LeadershipStep | undefined;
  for (let now = D + 100; now < D + 53 + L; now += 10) {
    last = m.tick(now);
    if (last.actions.includes('StepDown')) break;
  }
  t.like(last?.commands.find((c) => c.type === 'stepDown'), { type: 'stepDown', epoch, reason: 'lease' });
  t.false(m.inOffice(D + 53 + L - DEFAULT_TIMING.stepDownMargin));
});

test('Resign: leaves office, releases every grant, and the member sits out the next election', (t) => {
  const m = member(30);
  m.start(0, FRESH);
  m.receive(D - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
  const epoch = (sends(m.tick(D), 'Request')[0]!.message as { epoch: number }).epoch;
  m.receive(D + 1, 20, { kind: 'Grant', epoch });
  const r = m.resign(D + 10);
  t.like(r.commands.find((c) => c.type === 'stepDown'), { reason: 'resign' });
  t.deepEqual(sends(r, 'Release').map((c) => c.message), [
    { kind: 'Release', epoch, sitOut: true },
    { kind: 'Release', epoch, sitOut: true },
  ]);
  t.false(m.inOffice(D + 10));
  // It is still the highest id it sees, but stands for nothing while sitting out.
  m.receive(D + 20, 20, { kind: 'Heartbeat', quietLeft: 0 });
  t.false(m.tick(D + 100).actions.includes('RequestGrants'));
  // A member that gets the Release drops the grant at once and, the resigned member sitting
  // out, stands itself if it is the next pick: the handover waits for no lease.
  const f = member(20);
  f.start(0, FRESH);
  f.receive(D, 30, { kind: 'Request', epoch });
  const handover = f.receive(D + 12, 30, { kind: 'Release', epoch, sitOut: true });
  t.deepEqual(handover.actions.slice(0, 2), ['ReleaseGrant', 'RequestGrants']);
  t.like(f.status().grant, { leader: 20 });
});

test('A member that hears renewals of a valid leader starts no attempt (a restarted higher id joins as a follower)', (t) => {
  const m = member(30);
  m.start(0, { promised: 4, counter: 0 });
  const step = m.receive(10, 20, { kind: 'Renew', epoch: 4, round: 9, alive: [] });
  t.like(step.commands.find((c) => c.type === 'follower'), { leader: 20, epoch: 4 });
  t.true(sends(step, 'RenewAck').length === 1);
  m.receive(11, 10, { kind: 'Heartbeat', quietLeft: 0 });
  for (let now = 20; now < D + 100; now += 40) {
    m.receive(now, 20, { kind: 'Renew', epoch: 4, round: 10 + now, alive: [] });
    t.false(m.tick(now + 1).actions.includes('RequestGrants'), `at ${now}`);
  }
});

test("candidateChoice 'external': the member stands only while the node layer names it", (t) => {
  const m = member(10, { candidateChoice: 'external' });
  m.start(0, FRESH);
  m.receive(D - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
  t.false(m.tick(D).actions.includes('RequestGrants'));
  t.true(m.nominate(D + 1, 10).actions.includes('RequestGrants'));
  t.true(m.nominate(D + 2, 30).actions.includes('AbandonAttempt'));
});

test('configuration errors are named: an id outside the members, duplicate ids, a grant margin of 0', (t) => {
  t.throws(() => member(99), { message: /99 is not among the members/ });
  t.throws(() => new LeadershipMember({ members: [1, 1, 2], self: 1, random: () => 0 }), { message: /distinct/ });
  t.throws(() => member(10, { timing: { ...DEFAULT_TIMING, grantMargin: 0 } }), { message: /grantMargin/ });
});

test('vote-only: the view pick skips a vote-only member, which grants and renews but never stands, even nominated', (t) => {
  const top = member(30, { voteOnly: [30] });
  top.start(0, FRESH);
  top.receive(D - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
  for (let now = D; now < 4 * D; now += 50) t.false(top.tick(now).actions.includes('RequestGrants'), `at ${now}`);
  t.is(sends(top.receive(4 * D, 20, { kind: 'Request', epoch: 4 }), 'Grant').length, 1, 'it grants');
  t.is(sends(top.receive(4 * D + 1, 20, { kind: 'Renew', epoch: 4, round: 1, alive: [] }), 'RenewAck').length, 1, 'it renews');
  // Member 20 sees 30 alive, yet is the pick: 30 is vote-only.
  const next = member(20, { voteOnly: [30] });
  next.start(0, FRESH);
  next.receive(D - 1, 30, { kind: 'Heartbeat', quietLeft: 0 });
  t.true(next.tick(D).actions.includes('RequestGrants'));
  const nominated = member(30, { voteOnly: [30], candidateChoice: 'external' });
  nominated.start(0, FRESH);
  nominated.receive(D - 1, 20, { kind: 'Heartbeat', quietLeft: 0 });
  t.false(nominated.nominate(D, 30).actions.includes('RequestGrants'));
  t.throws(() => member(10, { voteOnly: [99] }), { message: /vote-only 99 is not among the members/ });
});

test('failure detection: a peer silent for S is suspected once, S after it was last heard (or after the start), and trusted when heard again', (t) => {
  const S = DEFAULT_TIMING.suspicion;
  const m = member(10, { voteOnly: [10] });
  const detector = (s: LeadershipStep) => s.commands.filter((c) => c.type === 'suspect' || c.type === 'trust');
  t.deepEqual(detector(m.start(0, FRESH)), []);
  t.deepEqual(detector(m.receive(5, 20, { kind: 'Heartbeat', quietLeft: 0 })), []);
  // The core asks for a tick at the first deadline: 30, never heard, at S after the start.
  const first = m.tick(S - 1);
  t.like(first.commands.find((c) => c.type === 'timer'), { at: S });
  t.deepEqual(detector(m.tick(S)), [{ type: 'suspect', member: 30, lastHeard: null }]);
  t.deepEqual(detector(m.tick(S + 1)), [], 'a suspicion is reported once');
  t.deepEqual(detector(m.tick(5 + S)), [{ type: 'suspect', member: 20, lastHeard: 5 }]);
  t.deepEqual(m.status().suspected, [20, 30]);
  t.deepEqual(detector(m.receive(400, 30, { kind: 'Heartbeat', quietLeft: 0 })), [{ type: 'trust', member: 30 }]);
  t.deepEqual(m.status().suspected, [20]);
});

test('the view pick passes over a member with more than H of its quiet period left: a restarted top id does not hold up the failover; with H or less left it is the pick again', (t) => {
  const H = DEFAULT_TIMING.heartbeat;
  const next = member(20);
  next.start(0, FRESH);
  next.receive(D - 1, 10, { kind: 'Heartbeat', quietLeft: 0 });
  next.receive(D - 1, 30, { kind: 'Heartbeat', quietLeft: 300 });
  t.true(next.tick(D).actions.includes('RequestGrants'), '30 has 299 ms of quiet left: 20 is the pick');
  // 30's quiet period, as its heartbeats tell, ends at D + 299: from D + 299 - H on it is the pick.
  next.receive(D + 200, 10, { kind: 'Heartbeat', quietLeft: 0 });
  next.receive(D + 200, 30, { kind: 'Heartbeat', quietLeft: 99 });
  t.false(next.tick(D + 299 - H - 1).actions.includes('AbandonAttempt'));
  t.true(next.tick(D + 299 - H).actions.includes('AbandonAttempt'), '30 is back as the pick');
  // Started together, the others' quiet periods end within H of this member's own: it waits for the highest.
  const low = member(10);
  low.start(0, FRESH);
  low.receive(5, 20, { kind: 'Heartbeat', quietLeft: D - 3 });
  low.receive(5, 30, { kind: 'Heartbeat', quietLeft: D - 2 });
  for (let now = D; now < D + 10; now += 1) t.false(low.tick(now).actions.includes('RequestGrants'), `at ${now}`);
  // The restarted member tells what is left of its quiet period, rounded up to whole ms.
  const top = member(30);
  const start = top.start(0.5, FRESH);
  t.deepEqual(sends(start, 'Heartbeat').map((c) => c.message), [{ kind: 'Heartbeat', quietLeft: Math.ceil(D) }, { kind: 'Heartbeat', quietLeft: Math.ceil(D) }]);
  t.deepEqual(sends(top.tick(D + 0.5), 'Heartbeat').map((c) => c.message), [{ kind: 'Heartbeat', quietLeft: 0 }, { kind: 'Heartbeat', quietLeft: 0 }]);
});

test('a Renew that the Release overtook is not acked: the released grant is not taken back up, and the next candidate is granted at once', (t) => {
  const m = member(10);
  m.start(0, FRESH);
  m.receive(D, 20, { kind: 'Heartbeat', quietLeft: 0 });
  m.receive(D, 30, { kind: 'Request', epoch: 5 });
  m.receive(D + 5, 30, { kind: 'Release', epoch: 5, sitOut: true });
  const late = m.receive(D + 6, 30, { kind: 'Renew', epoch: 5, round: 3, alive: [] });
  t.deepEqual(sends(late), [], 'no RenewAck for a released epoch');
  t.is(m.status().grant, null);
  t.is(m.status().leader, null);
  t.is(sends(m.receive(D + 7, 20, { kind: 'Request', epoch: 7 }), 'Grant').length, 1);
});

test('a Request refused as held for a grant the candidate saw released is asked again at once, once per member', (t) => {
  const c = member(20);
  c.start(0, FRESH);
  c.receive(D, 10, { kind: 'Heartbeat', quietLeft: 0 });
  c.receive(D, 30, { kind: 'Request', epoch: 5 });
  const stand = c.receive(D + 5, 30, { kind: 'Release', epoch: 5, sitOut: true });
  t.true(stand.actions.includes('RequestGrants'));
  const epoch = c.status().epoch;
  const held = { kind: 'Refuse' as const, epoch, reason: 'held' as const, promised: 5, leader: 30, leaderEpoch: 5 };
  t.deepEqual(sends(c.receive(D + 6, 10, held)).map((s) => [s.to, s.message]), [[10, { kind: 'Request', epoch }]]);
  t.deepEqual(sends(c.receive(D + 7, 10, held)), [], 'once: a lost Release costs one Request, not a storm');
  // A grant it never saw released waits for the regular re-send.
  const other = member(20);
  other.start(0, FRESH);
  other.receive(D, 10, { kind: 'Heartbeat', quietLeft: 0 });
  other.tick(D + 1);
  t.is(other.status().role, 'candidate');
  t.deepEqual(sends(other.receive(D + 2, 10, { ...held, epoch: other.status().epoch, leaderEpoch: 8 })), []);
});
