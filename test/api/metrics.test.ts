/**
 * Metrics as an operator scrapes them: three members on loopback, each serving /metrics over
 * HTTP; the page agrees with status(), names exactly one leader, counts datagrams by kind, and
 * after the leader dies shows the failover, the new term and the suspicion of the silent member.
 */
import test from 'ava';
import { createServer } from 'node:net';
import { DEFAULT_TIMING, PortInUseError, memberMetrics, serveMetrics } from '../../src/index.js';
import { grantPeriod } from '../../src/core/leadership/settings.js';
import type { HsRingMember } from '../../src/runtime/leadership-member.js';
import { type LeadershipRing, leadershipRing } from '../helpers/leadership-ring.js';
import { waitFor } from '../helpers/wait.js';

const IDS = [4, 8, 6];

/** One sample of a scraped page: metric name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of `name` whose labels include `labels`; undefined if absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function sum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string | null; samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), samples: parse(await res.text()) };
}

/** What must not change while the pages are read for them to be compared with status(). */
function leadership(members: readonly HsRingMember[]): string {
  return JSON.stringify(members.map((m) => {
    const s = m.status();
    return [s.isLeader, s.epoch, s.promised, s.leader, s.term?.epoch];
  }));
}

/**
 * Every member's page, read while one leader known to all stayed in office and no epoch moved;
 * undefined if that never happened. On a loaded machine a lease may run out between a scrape and
 * the status() it is compared with, so a scrape that straddled a change is read again.
 */
async function steadyScrape(members: readonly HsRingMember[], ports: readonly number[]): Promise<Awaited<ReturnType<typeof scrape>>[] | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await waitFor(() => members.filter((m) => m.isLeader()).length === 1 && members.every((m) => m.status().leader !== null), 10_000))) continue;
    const before = leadership(members);
    const pages = await Promise.all(ports.map((port) => scrape(port)));
    if (leadership(members) === before && members.filter((m) => m.isLeader()).length === 1) return pages;
  }
  return undefined;
}

async function threeUp(t: { teardown(fn: () => Promise<void>): void }): Promise<LeadershipRing> {
  const r = await leadershipRing(IDS);
  t.teardown(() => r.closeAll());
  for (let i = 0; i < IDS.length; i++) await r.up(i);
  return r;
}

test.serial('metrics: each member serves /metrics; exactly one says it leads, epochs match status(), datagrams are counted by kind', async (t) => {
  const r = await threeUp(t);
  const members = r.members as HsRingMember[];
  const servers = await Promise.all(members.map((m) => serveMetrics(m, { port: 0 })));
  t.teardown(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const pages = await steadyScrape(members, servers.map((s) => s.address.port));
  t.truthy(pages, 'a leader, known to all, unchanged across one scrape of every member');
  if (!pages) return;
  const isLeader = pages.map((p, i) => value(p.samples, 'hs_ring_is_leader', { member: String(members[i]!.id) }));
  t.deepEqual(isLeader.filter((v) => v === 1).length, 1, `is_leader: ${isLeader.join(', ')}`);
  t.deepEqual(isLeader.filter((v) => v === 0).length, 2);
  const leaderAt = isLeader.indexOf(1);
  for (const [i, p] of pages.entries()) {
    const s = members[i]!.status();
    const label = { member: String(s.id) };
    t.regex(p.type ?? '', /^text\/plain/);
    t.is(p.status, 200);
    t.is(value(p.samples, 'hs_ring_epoch', label), s.epoch, `epoch of ${s.id}`);
    t.is(value(p.samples, 'hs_ring_promised_epoch', label), s.promised);
    t.is(value(p.samples, 'hs_ring_known_leader', label), members[leaderAt]!.id);
    t.is(value(p.samples, 'hs_ring_term_epoch', label), members[leaderAt]!.status().epoch, 'every member names the leader\'s term');
    t.true(sum(p.samples, 'hs_ring_datagrams_total', { ...label, direction: 'sent' }) > 0, `${s.id} sent`);
    t.true(sum(p.samples, 'hs_ring_datagrams_total', { ...label, direction: 'received' }) > 0, `${s.id} received`);
    t.true(sum(p.samples, 'hs_ring_leader_changes_total', label) >= 1);
    t.is(sum(p.samples, 'hs_ring_drops_total', label), 0);
    t.not(value(p.samples, 'hs_ring_timer_lag_seconds', label), undefined);
    t.not(value(p.samples, 'nodejs_eventloop_lag_seconds'), undefined, 'process metrics too');
  }
  const leader = pages[leaderAt]!.samples;
  const leaderLabel = { member: String(members[leaderAt]!.id) };
  t.true(value(leader, 'hs_ring_datagrams_total', { ...leaderLabel, direction: 'sent', kind: 'Renew' })! > 0, 'the leader sends Renew');
  t.true(value(leader, 'hs_ring_datagrams_total', { ...leaderLabel, direction: 'received', kind: 'RenewAck' })! > 0, 'and hears RenewAck');
  t.is(value(leader, 'hs_ring_epoch', leaderLabel), members[leaderAt]!.status().epoch);
  const other = await scrape(servers[0]!.address.port, '/');
  t.is(other.status, 404);
});

test.serial('metrics: after the leader dies a survivor shows the failover, a new term, and the silent member suspected', async (t) => {
  const r = await threeUp(t);
  const members = r.members as HsRingMember[];
  t.true(await waitFor(() => members.filter((m) => m.isLeader()).length === 1 && members.every((m) => m.status().leader !== null), 10_000));
  const old = members.findIndex((m) => m.isLeader());
  const survivors = members.filter((_, i) => i !== old);
  const servers = await Promise.all(survivors.map((m) => serveMetrics(m, { port: 0 })));
  t.teardown(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const before = await scrape(servers[0]!.address.port);
  const label = { member: String(survivors[0]!.id) };
  const oldEpoch = members[old]!.status().epoch;
  await r.down(old);
  t.true(await waitFor(() => survivors.some((m) => m.isLeader()) && survivors.every((m) => m.status().leader !== null && m.status().leader !== IDS[old]), 15_000), 'a new leader');
  const after = await scrape(servers[0]!.address.port);
  // Differences, not values: a loaded machine may have seen a silence or a term come and go before.
  const grew = (name: string) => value(after.samples, name, label)! - value(before.samples, name, label)!;
  t.true(grew('hs_ring_failover_seconds_count') >= 1, 'a failover seen');
  // A survivor's grant to the dead leader, renewed with its last Renew, had to run out first: no failover is shorter.
  if (grew('hs_ring_failover_seconds_count') === 1) t.true(grew('hs_ring_failover_seconds_sum') >= grantPeriod(DEFAULT_TIMING) / 1000, `failover ${grew('hs_ring_failover_seconds_sum')} s`);
  t.true(grew('hs_ring_leader_changes_total') >= 1, 'a new term');
  t.true(grew('hs_ring_suspicions_total') >= 1, 'the dead leader left the view');
  const term = survivors[0]!.status();
  t.is(term.previousTerm?.epoch, oldEpoch, 'the previous term is the dead leader\'s');
  t.true(term.term!.epoch > oldEpoch);
});

test.serial('metrics: members may share one registry, each series labelled; detach removes only its own', async (t) => {
  const r = await threeUp(t);
  const [a, b] = r.members as HsRingMember[];
  const first = await memberMetrics(a!);
  const second = await memberMetrics(b!, { registry: first.registry });
  t.is(second.registry, first.registry);
  const both = parse(await first.registry.metrics());
  t.deepEqual(both.filter((s) => s.name === 'hs_ring_is_leader').map((s) => s.labels.member).sort(), [String(a!.id), String(b!.id)].sort());
  second.detach();
  const one = parse(await first.registry.metrics());
  t.deepEqual(one.filter((s) => s.name === 'hs_ring_is_leader').map((s) => s.labels.member), [String(a!.id)]);
  t.deepEqual(one.filter((s) => s.name === 'hs_ring_leader_changes_total').map((s) => s.labels.member), [String(a!.id)]);
  first.detach();
});

test.serial('metrics: a port in use is a PortInUseError', async (t) => {
  const r = await leadershipRing([1, 2, 3]);
  t.teardown(() => r.closeAll());
  const m = await r.up(0);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as { port: number }).port;
  const err = await t.throwsAsync(serveMetrics(m, { port }), { instanceOf: PortInUseError });
  t.is(err?.message, `cannot serve metrics on 127.0.0.1:${port}: port already in use`);
});
