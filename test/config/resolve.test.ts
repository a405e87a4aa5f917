// Host names in ring files and on `hs-ring node`'s command line: resolved once at start, through a
// resolver the tests inject (never the machine's /etc/hosts, except for `localhost` read-only).
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRingFile } from '../../src/config/ring-file.js';
import { HostResolver, isHostName, type Lookup } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/errors.js';
import { rejects, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-ring-resolve-'));
let files = 0;
function ringFile(members: object[]): string {
  const p = join(dir, `ring-${files++}.json`);
  writeFileSync(p, JSON.stringify({ members }));
  return p;
}

/** A resolver over a fixed table that counts its lookups; unknown names fail as getaddrinfo does. */
function table(entries: Record<string, { address: string; family: number }[]>): { lookup: Lookup; calls: string[] } {
  const calls: string[] = [];
  const lookup: Lookup = async (host) => {
    calls.push(host);
    const found = entries[host.toLowerCase()];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { lookup, calls };
}

test('ring file: host names are resolved at start, each name once, and the ring holds the addresses', async (t) => {
  const { lookup, calls } = table({
    'node-0.ring.svc': [{ address: '10.1.0.7', family: 4 }],
    'node-1.ring.svc': [{ address: 'fd00::8', family: 6 }, { address: '10.1.0.8', family: 4 }],
    'db.example': [{ address: '10.1.0.9', family: 4 }],
  });
  const path = ringFile([
    { id: 3, host: 'node-0.ring.svc', port: 7000 },
    { id: 9, host: 'node-1.ring.svc', port: 7000 },
    { id: 5, host: 'db.example', port: 7000 },
    { id: 6, host: 'db.example', port: 7001 },
    { id: 1, host: '10.1.0.10', port: 7000 },
  ]);
  const members = await loadRingFile(path, new HostResolver(lookup));
  t.deepEqual(
    members.map((m) => `${m.id}@${m.host}:${m.port}`),
    ['3@10.1.0.7:7000', '9@10.1.0.8:7000', '5@10.1.0.9:7000', '6@10.1.0.9:7001', '1@10.1.0.10:7000'],
    'a name with both families stands for its IPv4 address',
  );
  t.deepEqual(calls.sort(), ['db.example', 'node-0.ring.svc', 'node-1.ring.svc'], 'each name looked up once; literals never');
});

test('ring file: a name with only IPv6 addresses stands for its first one', async (t) => {
  const { lookup } = table({ a: [{ address: 'fd00::1', family: 6 }, { address: 'fd00::2', family: 6 }], b: [{ address: 'fd00::3', family: 6 }] });
  const members = await loadRingFile(ringFile([{ id: 1, host: 'a', port: 1 }, { id: 2, host: 'b', port: 1 }]), new HostResolver(lookup));
  t.deepEqual(members.map((m) => m.host), ['fd00::1', 'fd00::3']);
});

test('ring file: a name that does not resolve, or is no name at all, is one ConfigError naming the member', async (t) => {
  const { lookup, calls } = table({ 'a.test': [{ address: '10.0.0.1', family: 4 }] });
  const resolver = new HostResolver(lookup);
  const missing = ringFile([{ id: 1, host: 'a.test', port: 1 }, { id: 2, host: 'gone.test', port: 1 }]);
  const e1 = await t.throwsAsync(loadRingFile(missing, resolver), { instanceOf: ConfigError });
  t.is(e1!.message, `ring file ${missing}: member 2: host name "gone.test" does not resolve (ENOTFOUND)`);
  const bad = ringFile([{ id: 1, host: 'a.test', port: 1 }, { id: 2, host: 'under_score.test', port: 1 }]);
  const e2 = await t.throwsAsync(loadRingFile(bad, new HostResolver(lookup)), { instanceOf: ConfigError });
  t.is(e2!.message, `ring file ${bad}: member 2: "under_score.test" is neither an IP address nor a host name`);
  const badIp = ringFile([{ id: 1, host: '10.0.0.256', port: 1 }]);
  await t.throwsAsync(loadRingFile(badIp, new HostResolver(lookup)), { message: /"10\.0\.0\.256" is neither an IP address nor a host name/ });
  const empty = table({ 'none.test': [] });
  await t.throwsAsync(loadRingFile(ringFile([{ id: 1, host: 'none.test', port: 1 }]), new HostResolver(empty.lookup)), {
    message: /member 1: host name "none\.test" resolves to no IP address/,
  });
  t.false(calls.includes('under_score.test'), 'a malformed name is refused without a lookup');
});

test('ring file: two names for one address are the same endpoint once resolved (refused as a shared address)', async (t) => {
  const { lookup } = table({ a: [{ address: '10.0.0.1', family: 4 }], alias: [{ address: '10.0.0.1', family: 4 }] });
  await t.throwsAsync(loadRingFile(ringFile([{ id: 1, host: 'a', port: 7 }, { id: 2, host: 'alias', port: 7 }]), new HostResolver(lookup)), {
    message: /ids 1 and 2 share the address 10\.0\.0\.1:7/,
  });
});

test('isHostName: RFC 1123 names with an optional final dot; no empty label, underscore or numeric last label', (t) => {
  for (const ok of ['localhost', 'localhost.', 'LOCALHOST', 'hs-ring-0.hs-ring.default.svc.cluster.local', 'a', 'x1.y2']) t.true(isHostName(ok), ok);
  for (const bad of ['', '.', 'a..b', '-a', 'a-', 'a_b', '1.2.3.4.5', '10.0.0.256', 'a'.repeat(64), `${'a.'.repeat(127)}ab`]) t.false(isHostName(bad), bad);
});

// localhost is a name like any other, resolved by the system (/etc/hosts, only read; no name
// here may fall through to DNS, so no other name is given to the system resolver).
test('cli: localhost in either case is a host name, in a ring file and in --listen/--left/--right, and the ring elects', async (t) => {
  const base = 17400 + (process.pid % 500) * 3;
  const named = ringFile([
    { id: 4, host: 'localhost', port: base },
    { id: 12, host: 'LOCALHOST', port: base + 1 },
    { id: 7, host: '127.0.0.1', port: base + 2 },
  ]);
  const r = await runCli(['node', '--ring', named, '--self', '4,12,7', '--json', '--timeout', '10000']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(
    r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { leader: number }).leader),
    [12, 12, 12],
  );
  await rejects(t, ['node', '--id', '1', '--listen', 'localhost:7001', '--left', 'bad_name:7000', '--right', 'localhost:7002'], /--left: "bad_name" is neither an IP address nor a host name/);
  await rejects(t, ['node', '--id', '1', '--listen', 'localhost:7001', '--left', 'localhost:7001', '--right', 'localhost:7002'], /--left: 127\.0\.0\.1:7001 is the node's own listen address/);
});
