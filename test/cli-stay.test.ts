/**
 * `hs-ring node --stay`: three member processes on loopback; the test, as an outside observer on
 * its own clock, kills the leader's process, sees a survivor take office with a higher token,
 * and stops the rest with SIGTERM (exit 0). Flags that mean nothing to a member are refused.
 */
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { reserveUdpPorts } from '../src/transport/ports.js';
import { cliPath, rejects } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

interface Line {
  readonly event: string;
  readonly id: number;
  readonly epoch?: number;
  readonly token?: number;
  readonly leader?: number;
  readonly member?: number;
  readonly reason?: string;
  readonly advertise?: string | null;
  /** When this test read the line, on its own monotonic clock. */
  readonly seen: number;
}

const dir = mkdtempSync(join(tmpdir(), 'hs-ring-stay-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test.serial('cli: node --stay, the leader\'s process killed: a survivor takes office with a higher token; SIGTERM ends the rest with exit 0', async (t) => {
  const ids = [4, 8, 6];
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ringFile = join(dir, 'ring.json');
  writeFileSync(ringFile, JSON.stringify({ members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i] })) }));
  const lines: Line[] = [];
  const procs = new Map<number, ChildProcess>();
  const exits = new Map<number, number | null>();
  for (const id of ids) {
    const p = spawn(process.execPath, [cliPath, 'node', '--ring', ringFile, '--self', String(id), '--stay', '--state-dir', join(dir, `state-${id}`), '--advertise', `m-${id}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.set(id, p);
    p.on('exit', (code) => exits.set(id, code));
    createInterface({ input: p.stdout! }).on('line', (text) => lines.push({ ...(JSON.parse(text) as Omit<Line, 'seen'>), seen: performance.now() }));
  }
  t.teardown(() => {
    for (const p of procs.values()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  const leaderLines = () => lines.filter((l) => l.event === 'leader');
  t.true(await waitFor(() => leaderLines().length >= 1, 15_000), 'a leader line');
  // Let the first term settle: a member that had not started yet may still be joining.
  await new Promise((r) => setTimeout(r, 300));
  const first = leaderLines().at(-1)!;
  t.is(first.token, first.epoch);
  const killedAt = performance.now();
  procs.get(first.id)!.kill('SIGKILL');
  t.true(await waitFor(() => leaderLines().some((l) => l.seen > killedAt), 10_000), 'a survivor takes office');
  const next = leaderLines().find((l) => l.seen > killedAt)!;
  t.not(next.id, first.id);
  t.true(next.token! > first.token!, `token ${next.token} > ${first.token}`);
  t.true(await waitFor(() => lines.some((l) => l.event === 'follower' && l.leader === next.id && l.advertise === `m-${next.id}`), 5000), 'the survivor follows it, with the value it advertises');
  t.log(`failover over UDP between processes: ${(next.seen - killedAt).toFixed(1)} ms from SIGKILL to the successor's leader line`);
  // Both survivors' failure detectors report the killed member.
  for (const id of ids.filter((x) => x !== first.id)) {
    t.true(lines.some((l) => l.event === 'suspect' && l.id === id && l.member === first.id && l.seen > killedAt), `member ${id} prints suspect of ${first.id}`);
  }
  // The outside observer's check: terms (leader line to deposed line, or to the kill) never overlap, tokens increase.
  const terms = leaderLines().map((l) => {
    const deposed = lines.find((d) => d.event === 'deposed' && d.id === l.id && d.epoch === l.epoch);
    return { ...l, end: deposed?.seen ?? (l.id === first.id ? killedAt : Infinity) };
  });
  for (let i = 1; i < terms.length; i++) {
    t.true(terms[i]!.seen >= terms[i - 1]!.end, `term ${terms[i]!.epoch} began after term ${terms[i - 1]!.epoch} ended`);
    t.true(terms[i]!.epoch! > terms[i - 1]!.epoch!);
  }
  const survivors = ids.filter((id) => id !== first.id);
  for (const id of survivors) procs.get(id)!.kill('SIGTERM');
  t.true(await waitFor(() => survivors.every((id) => exits.has(id)), 10_000), 'the survivors exit');
  for (const id of survivors) t.is(exits.get(id), 0, `member ${id} exits 0`);
  t.true(lines.some((l) => l.event === 'deposed' && l.id === next.id && l.reason === 'resign'), 'the leader resigned on SIGTERM');
  t.is(lines.filter((l) => l.event === 'stopped').length, 2);
});

test('cli: --stay refuses what a member cannot use, in one line', async (t) => {
  const ring = join(dir, 'r2.json');
  writeFileSync(ring, JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: '127.0.0.1', port: 7001 }] }));
  const sd = join(dir, 'sd');
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7000', '--left', '127.0.0.1:7001', '--right', '127.0.0.1:7001', '--stay'], /--stay cannot be combined with --id/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay'], /--stay needs --state-dir DIR/);
  await rejects(t, ['node', '--ring', ring, '--self', '1,2', '--stay', '--state-dir', sd], /one member per process/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', sd, '--json'], /--stay cannot be combined with --json/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', sd, '--dup', '0.1'], /--stay cannot be combined with --dup/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', sd, '--burst-loss', '3s/300ms'], /--burst-loss: expected FOR\/EVERY with FOR shorter, such as 300ms\/3s/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', sd, '--clock-rate', '0'], /--clock-rate must be in \(0, 10\)/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--clock-rate', '1.1'], /--clock-rate is for a leadership member: add --stay/);
  await rejects(t, ['node', '--ring', ring, '--self', '3', '--stay', '--state-dir', sd], /--self 3 is not a member of the ring \(ids: 1, 2\)/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--state-dir', sd], /--state-dir is for a leadership member: add --stay/);
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', sd, '--advertise', 'x'.repeat(300)], /advertise: 300 bytes is over 255/);
  mkdirSync(join(dir, 'corrupt'), { recursive: true });
  writeFileSync(join(dir, 'corrupt', 'leadership.json'), 'garbage');
  await rejects(t, ['node', '--ring', ring, '--self', '1', '--stay', '--state-dir', join(dir, 'corrupt')], /state file .* not valid JSON/);
});
