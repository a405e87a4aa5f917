/**
 * `hs-ring node --stay --metrics-port`: the member's ready line names where its metrics are
 * served, a scrape there shows it leading its one-member ring, and SIGTERM still ends it with
 * exit 0. A port already taken, or a metrics flag without its companion, is one line and exit 2.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { reserveUdpPorts } from '../src/transport/ports.js';
import { cliPath, rejects } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-ring-metrics-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

async function oneMemberRing(name: string): Promise<string> {
  const [port] = await reserveUdpPorts('127.0.0.1', 1);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ members: [{ id: 5, host: '127.0.0.1', port }] }));
  return file;
}

test('cli: node --stay --metrics-port serves /metrics, the ready line says where, and the member shows as leader', async (t) => {
  const ring = await oneMemberRing('serve');
  const p = spawn(process.execPath, [cliPath, 'node', '--ring', ring, '--self', '5', '--stay', '--state-dir', join(dir, 'serve'), '--metrics-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let exit: number | null | undefined;
  p.on('exit', (code) => (exit = code));
  t.teardown(() => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  const lines: { event: string; metrics?: string }[] = [];
  createInterface({ input: p.stdout! }).on('line', (text) => lines.push(JSON.parse(text)));
  t.true(await waitFor(() => lines.some((l) => l.event === 'leader'), 30_000), 'it leads its ring of one');
  const url = lines.find((l) => l.event === 'ready')?.metrics;
  t.regex(url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const res = await fetch(url!);
  t.is(res.status, 200);
  const text = await res.text();
  t.regex(text, /^hs_ring_is_leader\{member="5"\} 1$/m);
  t.regex(text, /^hs_ring_leader_changes_total\{member="5"\} 1$/m);
  t.regex(text, /^# TYPE hs_ring_failover_seconds histogram$/m);
  t.regex(text, /^process_cpu_seconds_total /m);
  t.is((await fetch(url!.replace('/metrics', '/'))).status, 404);
  p.kill('SIGTERM');
  t.true(await waitFor(() => exit !== undefined, 15_000), 'exits on SIGTERM');
  t.is(exit, 0);
});

test('cli: a metrics port already taken is one line and exit 2; metrics flags are checked', async (t) => {
  const ring = await oneMemberRing('taken');
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as { port: number }).port;
  const sd = join(dir, 'taken');
  await rejects(t, ['node', '--ring', ring, '--self', '5', '--stay', '--state-dir', sd, '--metrics-port', String(port)], new RegExp(`^hs-ring: cannot serve metrics on 127\\.0\\.0\\.1:${port}: port already in use$`));
  await rejects(t, ['node', '--ring', ring, '--self', '5', '--stay', '--state-dir', sd, '--metrics-port', '70000'], /--metrics-port: want a TCP port 0\.\.65535/);
  await rejects(t, ['node', '--ring', ring, '--self', '5', '--stay', '--state-dir', sd, '--metrics-host', '0.0.0.0'], /--metrics-host needs --metrics-port PORT/);
  await rejects(t, ['node', '--ring', ring, '--self', '5', '--metrics-port', '9100'], /--metrics-port is for a leadership member: add --stay/);
});
