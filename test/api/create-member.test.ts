/**
 * createMember as an application meets it: each bad option named in an InvalidConfigError, a
 * corrupt state file refused before anything is bound, bad datagrams dropped and counted without
 * harm, and a closed member that says so.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptStateError, HsRingError, InvalidConfigError, NodeClosedError, createMember } from '../../src/index.js';
import { ringDigest } from '../../src/config/ring-digest.js';
import { encodeLeadership } from '../../src/runtime/leadership-frames.js';
import { reserveUdpPorts } from '../../src/transport/ports.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-ring-member-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const ring = [
  { id: 1, host: '127.0.0.1', port: 7000 },
  { id: 2, host: '127.0.0.1', port: 7001 },
  { id: 3, host: '127.0.0.1', port: 7002 },
];
const base = { ring, self: 2, stateDir: join(dir, 'ok') };

test('createMember: each bad option is an InvalidConfigError naming the option', async (t) => {
  mkdirSync(join(dir, 'f'), { recursive: true });
  writeFileSync(join(dir, 'f', 'file'), 'x');
  const cases: [object, RegExp][] = [
    [{ ...base, self: 4 }, /^self: 4 is not a member of the ring \(ids: 1, 2, 3\)/],
    [{ ...base, self: '2' }, /^self: "2" is not an integer id/],
    [{ ...base, ring: 'ring.json' }, /^ring: must be the list of members/],
    [{ ...base, ring: [...ring, { id: 2, host: '127.0.0.1', port: 7003 }] }, /duplicate id 2/],
    [{ ...base, stateDir: '' }, /^stateDir: must be a directory path/],
    [{ ...base, stateDir: join(dir, 'f', 'file', 'sub') }, /^stateDir: cannot create .*ENOTDIR/],
    [{ ...base, timing: { lease: 0 } }, /^timing: lease must be a positive number of ms/],
    [{ ...base, timing: { grantMargin: 0 } }, /^timing: grantMargin must be > 0 ms/],
    [{ ...base, timing: { leese: 500 } }, /^timing\.leese: not a setting/],
    [{ ...base, key: new Uint8Array(4) }, /^key: 4 bytes is too short/],
    [{ ...base, advertise: 7 }, /^advertise: must be a string/],
    [{ ...base, advertise: 'é'.repeat(128) }, /^advertise: 256 bytes is over 255/],
    [{ ...base, thread: true, faults: { loss: 0.1 } }, /^thread: cannot be combined with faults/],
    [{ ...base, thread: true, lookup: async () => [] }, /^thread: cannot be combined with lookup/],
    [{ ...base, thread: 'yes' }, /^thread: must be true or false/],
    [{ ...base, heartbeats: 'neighbours' }, /^heartbeats: must be 'all' or 'ring', got "neighbours"/],
    [{ ...base, heartbeats: 'ring', ring: Array.from({ length: 2041 }, (_, i) => ({ id: i, host: '127.0.0.1', port: 1024 + i })) }, /^heartbeats: 'ring' allows at most 2040 members, the ring has 2041/],
  ];
  for (const [options, message] of cases) {
    const err = await t.throwsAsync(createMember(options as never), { instanceOf: InvalidConfigError, message }, JSON.stringify(options));
    t.is(err?.code, 'InvalidConfig');
    t.true(err instanceof HsRingError);
  }
});

test('createMember: a corrupt state file is a CorruptStateError, not a fresh member', async (t) => {
  const stateDir = join(dir, 'corrupt');
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'leadership.json'), '{"promised": 14');
  const err = await t.throwsAsync(createMember({ ...base, stateDir }), { instanceOf: CorruptStateError });
  t.is(err?.code, 'CorruptState');
});

test('createMember: bad datagrams are dropped and counted by reason; the member runs on; close() ends it', async (t) => {
  const ports = await reserveUdpPorts('127.0.0.1', 3);
  const live = ring.map((m, i) => ({ ...m, port: ports[i]! }));
  const m = await createMember({ ring: live, self: 2, stateDir: join(dir, 'drops') });
  t.teardown(() => m.close());
  m.start();
  const stranger = createSocket('udp4');
  t.teardown(() => stranger.close());
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  const member = createSocket('udp4');
  t.teardown(() => member.close());
  await new Promise<void>((r) => member.bind(ports[0], '127.0.0.1', () => r()));
  const to = (s: typeof member, bytes: Uint8Array) => s.send(bytes, m.address.port, '127.0.0.1');
  const digest = ringDigest(live);
  to(member, encodeLeadership({ kind: 'Heartbeat', quietLeft: 0 }, 1, digest, undefined).slice(0, 20));
  to(member, new Uint8Array(Array.from({ length: 60 }, (_, i) => (i * 37) % 256)));
  to(member, encodeLeadership({ kind: 'Grant', epoch: 3 }, 1, 12345, undefined));
  to(member, encodeLeadership({ kind: 'Grant', epoch: 3 }, 1, 1, new Uint8Array(16)));
  to(stranger, encodeLeadership({ kind: 'Heartbeat', quietLeft: 0 }, 1, digest, undefined));
  await waitFor(() => Object.values(m.status().drops).reduce((a, b) => a + b, 0) >= 5, 2000);
  t.like(m.status(), { state: 'running', drops: { malformed: 1, magic: 1, 'ring-mismatch': 1, 'unexpected-mac': 1, 'unknown-sender': 1 } });
  await m.close();
  t.is(m.status().state, 'closed');
  t.false(m.isLeader());
  await t.throwsAsync(m.runWhileLeader(() => 1), { instanceOf: NodeClosedError });
  t.throws(() => m.start(), { instanceOf: NodeClosedError });
});
