/**
 * `hs-ring exec`: three exec processes on loopback run one command script that appends
 * "start/alive/stop <token> <hostMs>" lines to a shared file. The file, on the host's monotonic
 * clock, shows one command at a time (NoOverlappingLeases as the command sees it) with rising
 * tokens (EpochsIncrease) while the leader's exec is killed with SIGKILL (its command's group dies
 * with it), a leader loses its majority (its command is stopped, exec stays), and the last leader
 * gets SIGTERM (exit 143). A command that exits 7 makes exec exit 7; --restart runs it again with
 * a higher token; bad input exits 2 in one line.
 */
import test from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { reserveUdpPorts } from '../src/transport/ports.js';
import { cliPath, rejects, runCli } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'hs-ring-exec-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** The command each exec runs: its token, leader id and life on the host's monotonic clock, appended to the file named by argv[2]. */
const SCRIPT = `
import { appendFileSync } from 'node:fs';
const [file, exitAfter] = process.argv.slice(2);
const say = (what) => appendFileSync(file, what + ' ' + process.env.HS_RING_TOKEN + ' ' + (Number(process.hrtime.bigint()) / 1e6).toFixed(3) + ' ' + process.env.HS_RING_LEADER_ID + ' ' + process.pid + '\\n');
say('start');
setInterval(() => say('alive'), 10);
process.on('SIGTERM', () => { say('stop'); process.exit(0); });
if (exitAfter !== undefined) setTimeout(() => process.exit(Number(exitAfter)), 200);
`;
const script = join(dir, 'command.mjs');
writeFileSync(script, SCRIPT);

interface Said {
  readonly what: 'start' | 'alive' | 'stop';
  readonly token: number;
  readonly hostMs: number;
  readonly leader: number;
  readonly pid: number;
}

function said(file: string): Said[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [what, token, hostMs, leader, pid] = l.split(' ');
      return { what: what as Said['what'], token: Number(token), hostMs: Number(hostMs), leader: Number(leader), pid: Number(pid) };
    });
}

interface Term {
  readonly token: number;
  readonly leader: number;
  readonly pid: number;
  readonly from: number;
  readonly to: number;
  readonly stopped: boolean;
}

/** Each command's life as the file shows it: first to last line of its token. */
function terms(lines: readonly Said[]): Term[] {
  const byToken = new Map<number, Said[]>();
  for (const l of lines) byToken.set(l.token, [...(byToken.get(l.token) ?? []), l]);
  return [...byToken.values()]
    .map((ls) => ({ token: ls[0]!.token, leader: ls[0]!.leader, pid: ls[0]!.pid, from: Math.min(...ls.map((l) => l.hostMs)), to: Math.max(...ls.map((l) => l.hostMs)), stopped: ls.some((l) => l.what === 'stop') }))
    .sort((a, b) => a.from - b.from);
}

/** True while `pid` runs (a zombie waiting to be reaped has finished). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface Exec {
  readonly proc: ChildProcess;
  readonly events: Record<string, unknown>[];
  exit?: number | null;
}

function startExec(ring: string, id: number, out: string): Exec {
  return startExecWith(['exec', '--ring', ring, '--self', String(id), '--state-dir', join(dir, `state-${id}`), '--', process.execPath, script, out]);
}

function startExecWith(args: readonly string[]): Exec {
  const proc = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const e: Exec = { proc, events: [] };
  proc.on('exit', (code) => (e.exit = code));
  createInterface({ input: proc.stderr! }).on('line', (text) => e.events.push(text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { event: 'text', text }));
  return e;
}

test.serial('cli: exec runs the command only while leading: SIGKILL of the leader\'s exec takes its command along, a lost majority stops it, SIGTERM stops it and exits 143; one command at a time, tokens rising', async (t) => {
  const ids = [4, 8, 6];
  const ports = await reserveUdpPorts('127.0.0.1', ids.length);
  const ring = join(dir, 'ring.json');
  writeFileSync(ring, JSON.stringify({ members: ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i] })) }));
  const out = join(dir, 'said.txt');
  const execs = new Map(ids.map((id) => [id, startExec(ring, id, out)]));
  t.teardown(() => {
    for (const e of execs.values()) if (e.proc.exitCode === null && e.proc.signalCode === null) e.proc.kill('SIGKILL');
  });
  const started = (after: number) => terms(said(out)).find((x) => x.token > after);

  // 1. A leader runs the command.
  t.true(await waitFor(() => started(-1) !== undefined, 20_000), 'a command starts');
  await pause(300);
  const first = started(-1)!;
  t.is(terms(said(out)).length, 1, 'one command');

  // 2. Its exec is killed with SIGKILL: the command's group dies with it, and a successor's command starts with a higher token.
  execs.get(first.leader)!.proc.kill('SIGKILL');
  t.true(await waitFor(() => !running(first.pid), 10_000), 'the killed exec\'s command is gone');
  t.true(await waitFor(() => started(first.token) !== undefined, 20_000), 'a successor\'s command starts');
  const second = started(first.token)!;
  t.not(second.leader, first.leader);
  await pause(300);

  // 3. The last follower is killed: the leader cannot renew its lease, so its command is stopped; its exec stays up.
  const follower = ids.find((id) => id !== first.leader && id !== second.leader)!;
  execs.get(follower)!.proc.kill('SIGKILL');
  t.true(await waitFor(() => terms(said(out)).find((x) => x.token === second.token)!.stopped, 10_000), 'the command got SIGTERM');
  const secondExec = execs.get(second.leader)!;
  t.true(await waitFor(() => secondExec.events.some((e) => e.event === 'stopped'), 10_000));
  t.is(secondExec.events.find((e) => e.event === 'stopping')!.reason, 'lease', 'stopped because the lease could not be renewed');
  t.log(`lease left when the command was gone: ${String(secondExec.events.find((e) => e.event === 'stopped')!.leaseLeftMs)} ms`);
  t.is(secondExec.exit, undefined, 'exec stays up, campaigning');

  // 4. The first member comes back: a majority again, and a third command with a higher token.
  execs.set(first.leader, startExec(ring, first.leader, out));
  t.true(await waitFor(() => started(second.token) !== undefined, 20_000), 'a command starts once a majority is back');
  const third = started(second.token)!;
  await pause(300);

  // 5. SIGTERM to the leading exec: its command is stopped, it resigns and exits 143; so does the other, not leading.
  const thirdExec = execs.get(third.leader)!;
  thirdExec.proc.kill('SIGTERM');
  t.true(await waitFor(() => thirdExec.exit !== undefined, 10_000), 'the leader\'s exec exits');
  t.is(thirdExec.exit, 143);
  t.true(terms(said(out)).find((x) => x.token === third.token)!.stopped, 'its command got SIGTERM first');
  t.true(thirdExec.events.some((e) => e.event === 'deposed' && e.reason === 'resign'), 'it resigned');
  const other = execs.get(third.leader === first.leader ? second.leader : first.leader)!;
  other.proc.kill('SIGTERM');
  t.true(await waitFor(() => other.exit !== undefined, 10_000));
  t.is(other.exit, 143);

  // The file's verdict: one command at a time, each token higher than the last.
  const seen = terms(said(out));
  t.log(seen.map((x) => `token ${x.token} (member ${x.leader}): ${x.from.toFixed(1)}..${x.to.toFixed(1)} ms`).join('\n'));
  t.deepEqual(seen.map((x) => x.token), [first.token, second.token, third.token]);
  for (let i = 1; i < seen.length; i++) {
    t.true(seen[i]!.from > seen[i - 1]!.to, `token ${seen[i]!.token} started ${(seen[i]!.from - seen[i - 1]!.to).toFixed(1)} ms after token ${seen[i - 1]!.token}'s last line`);
    t.true(seen[i]!.token > seen[i - 1]!.token);
  }
});

test('cli: a command that exits 7 makes exec resign and exit 7; one killed by a signal, 128 + n', async (t) => {
  const ports = await reserveUdpPorts('127.0.0.1', 2);
  /** exec of `command` as the one member of a ring of its own. */
  const execAlone = (name: string, port: number, command: string[]) => {
    const ring = join(dir, `${name}.json`);
    writeFileSync(ring, JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port }] }));
    return runCli(['exec', '--ring', ring, '--self', '1', '--state-dir', join(dir, `state-${name}`), '--', ...command]);
  };
  const out = join(dir, 'seven.txt');
  const [seven, killed] = await Promise.all([execAlone('seven', ports[0]!, [process.execPath, script, out, '7']), execAlone('killed', ports[1]!, ['sh', '-c', 'kill -KILL $$'])]);
  t.is(seven.code, 7, seven.stderr);
  t.regex(seven.stderr, /"event":"exited","id":1,"pid":\d+,"code":7/);
  t.regex(seven.stderr, /"event":"deposed","id":1,"epoch":\d+,"reason":"resign"/);
  t.true(said(out).some((l) => l.what === 'start' && l.token >= 0 && l.leader === 1), 'the command saw its token and leader id');
  t.is(killed.code, 137, killed.stderr);
});

test('cli: exec --restart runs the command again after it exits, each term with a higher token, until SIGTERM (exit 143)', async (t) => {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const ring = join(dir, 'restart.json');
  writeFileSync(ring, JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port }] }));
  const out = join(dir, 'restart.txt');
  const e = startExecWith(['exec', '--ring', ring, '--self', '1', '--state-dir', join(dir, 'state-restart'), '--restart', '--', 'sh', '-c', `echo "$HS_RING_TOKEN" >> '${out}'`]);
  t.teardown(() => e.proc.kill('SIGKILL'));
  const tokens = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map(Number) : []);
  t.true(await waitFor(() => tokens().length >= 2, 20_000), `two terms: ${tokens().join(', ')}; exit ${String(e.exit)}; ${e.events.map((x) => String(x.event)).join(' ')}`);
  e.proc.kill('SIGTERM');
  t.true(await waitFor(() => e.exit !== undefined, 10_000));
  t.is(e.exit, 143);
  const seen = tokens();
  t.true(seen.every((tok, i) => i === 0 || tok > seen[i - 1]!), `tokens rise: ${seen.join(', ')}`);
});

test('cli: exec refuses bad input in one line, exit 2', async (t) => {
  const ring = join(dir, 'two.json');
  writeFileSync(ring, JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port: 7000 }, { id: 2, host: '127.0.0.1', port: 7001 }] }));
  const sd = join(dir, 'sd');
  const base = ['exec', '--ring', ring, '--self', '1', '--state-dir', sd];
  await Promise.all([
    rejects(t, base, /exec needs the command after --/),
    rejects(t, [...base, 'true'], /exec needs the command after --/),
    rejects(t, ['exec', '--ring', ring, '--self', '3', '--state-dir', sd, '--', 'true'], /--self 3 is not a member of the ring \(ids: 1, 2\)/),
    rejects(t, ['exec', '--ring', join(dir, 'missing.json'), '--self', '1', '--state-dir', sd, '--', 'true'], /ring file .*missing\.json/),
    rejects(t, ['exec', '--ring', ring, '--self', '1', '--', 'true'], /exec needs --state-dir DIR/),
    rejects(t, [...base, '--kill-grace', '300', '--', 'true'], /--kill-grace 300 ms is too long for a 500 ms lease/),
  ]);
});
