/** The command line: bad input refused in one line with its exit code, and each command's output. */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { rejects, runCli } from './helpers/cli.js';

test('cli: duplicate ids are refused', (t) => rejects(t, ['launch', '--ids', '4,7,4'], /duplicate id 4/));
test('cli: an id out of range is refused', (t) =>
  rejects(t, ['launch', '--ids', '1,9007199254740992'], /out of range 0\.\.2\^53-1/));
test('cli: a negative or non-integer id is refused', (t) =>
  rejects(t, ['node', '--id', '-3', '--listen', '127.0.0.1:1', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3'], /--id: "-3" is not a non-negative integer/));
test('cli: a malformed address is refused', (t) =>
  rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3'], /--listen: "127\.0\.0\.1" is not HOST:PORT/));
// A well-formed name would be looked up (test/config/resolve.test.ts injects its resolver): this one is malformed.
test('cli: a host that is neither an address nor a host name is refused', (t) =>
  rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:9', '--left', 'exa mple:2', '--right', '127.0.0.1:3'], /--left: "exa mple" is neither an IP address nor a host name/));
test('cli: a missing neighbour is named', (t) =>
  rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:7000', '--left', '127.0.0.1:7001'], /missing --right/));
test('cli: an unknown option is refused', (t) => rejects(t, ['launch', '--bogus'], /Unknown argument: bogus/));
test('cli: -n that disagrees with --ids is refused', (t) => rejects(t, ['launch', '-n', '3', '--ids', '1,2'], /-n 3 but --ids lists 2/));

test('cli: a port in use is refused with the address', async (t) => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await rejects(
    t,
    ['node', '--id', '1', '--listen', `127.0.0.1:${port}`, '--left', '127.0.0.1:2', '--right', '127.0.0.1:3'],
    new RegExp(`127\\.0\\.0\\.1:${port}: port already in use`),
  );
  s.close();
});

test('cli: launch names a port in use too', async (t) => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  const r = await runCli(['launch', '-n', '2', '--base-port', String(port - 1)]);
  s.close();
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`port already in use`));
  t.notRegex(r.stderr, /\n\s+at /);
});

test('cli: bad ring files are refused with the reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  await rejects(t, ['node', '--ring', join(dir, 'absent.json'), '--self', '1'], /cannot read \(ENOENT\)/);
  await rejects(t, ['node', '--ring', file('bad.json', '{oops'), '--self', '1'], /not valid JSON/);
  await rejects(t, ['node', '--ring', file('empty.json', '{"members":[]}'), '--self', '1'], /at least one member/);
  await rejects(
    t,
    ['node', '--ring', file('dup.json', JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port: 1 }, { id: 1, host: '127.0.0.1', port: 2 }] })), '--self', '1'],
    /duplicate id 1/,
  );
  await rejects(
    t,
    ['node', '--ring', file('noport.json', JSON.stringify({ members: [{ id: 1, host: '127.0.0.1' }] })), '--self', '1'],
    /member 1 needs "id", "host" and "port"/,
  );
  await rejects(
    t,
    ['node', '--ring', file('ok.json', JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port: 7 }] })), '--self', '2'],
    /--self 2 is not a member/,
  );
  // Several members hosted at once: an id missing from the ring is named, as for one.
  await rejects(
    t,
    ['node', '--ring', file('two.json', JSON.stringify({ members: [{ id: 1, host: '127.0.0.1', port: 7 }, { id: 3, host: '127.0.0.1', port: 8 }] })), '--self', '1,9'],
    /--self 9 is not a member of the ring \(ids: 1, 3\)/,
  );
});

test('cli: --help explains every command', async (t) => {
  const top = await runCli(['--help']);
  t.is(top.code, 0);
  t.regex(top.stdout, /node/);
  t.regex(top.stdout, /launch/);
  const node = await runCli(['node', '--help']);
  t.regex(node.stdout, /--ring/);
  t.regex(node.stdout, /Ring file/);
  // Each bench part on its own indented line, continuation lines indented further (yargs keeps
  // indentation only in the epilog).
  const bench = await runCli(['bench', '--help']);
  t.is(bench.code, 0);
  for (const part of ['messages', 'overhead', 'latency', 'scale', 'memory']) t.regex(bench.stdout, new RegExp(`^  ${part} `, 'm'));
  t.regex(bench.stdout, /^ {12}a ring of bare relay processes/m);
});

test('cli: a key file that is missing, empty, too short or unreadable is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const node = ['node', '--id', '1', '--listen', '127.0.0.1:1', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3'];
  await rejects(t, [...node, '--key-file', join(dir, 'absent.key')], /key file .*absent\.key: cannot read \(ENOENT\)/);
  await rejects(t, [...node, '--key-file', file('empty.key', '\n')], /key file .*empty\.key: empty/);
  await rejects(t, [...node, '--key-file', file('short.key', 'abc')], /3 bytes is too short \(at least 16\)/);
  await rejects(t, [...node, '--key-file', dir], /cannot read \(EISDIR\)/);
  await rejects(t, ['launch', '-n', '2', '--key-file', join(dir, 'absent.key')], /cannot read \(ENOENT\)/);
});

test('cli: impossible fault settings are refused', async (t) => {
  await rejects(t, ['launch', '--loss', '1'], /--loss must be a probability in \[0, 1\)/);
  await rejects(t, ['launch', '--loss', '-0.5'], /--loss/);
  await rejects(t, ['launch', '--dup', '2'], /--dup must be a probability in \[0, 1\]/);
  await rejects(t, ['launch', '--delay', '20-5'], /--delay must be MS or MIN-MAX/);
  await rejects(t, ['launch', '--delay', 'soon'], /--delay must be MS or MIN-MAX/);
  await rejects(t, ['node', '--id', '1', '--listen', '127.0.0.1:1', '--left', '127.0.0.1:2', '--right', '127.0.0.1:3', '--fault-seed', '-1'], /--fault-seed/);
});

test('cli: bad --kill and --processes are refused', async (t) => {
  await rejects(t, ['launch', '--ids', '1,2,3', '--kill', '2'], /--kill must be ID@MS/);
  await rejects(t, ['launch', '--ids', '1,2,3', '--kill', '7@10'], /--kill 7: no such node/);
  await rejects(t, ['launch', '--processes', '2', '--kill', '1@10', '--ids', '1,2,3,4'], /cannot be combined with --processes/);
  await rejects(t, ['launch', '-n', '4', '--processes', '5'], /--processes 5 is more than the 4 nodes/);
  await rejects(t, ['launch', '-n', '4', '--processes', '0'], /--processes must be a positive integer/);
  await rejects(t, ['launch', '-n', '600'], /add --processes K/);
});

test('cli: a reader that closes the pipe early (| head) ends the command quietly, without a stack trace', async (t) => {
  const { spawn } = await import('node:child_process');
  const { cliPath } = await import('./helpers/cli.js');
  const child = spawn(process.execPath, [cliPath, 'sim', '-n', '3000', '--seed', '1', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // Like `head -c 100`: read a little, then close our end.
  child.stdout!.once('data', () => child.stdout!.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  t.is(stderr, '');
  t.is(code, 0);
});
