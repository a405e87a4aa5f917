/**
 * The process `hs-ring exec` starts for each term in office, in a session and process group of
 * its own: it runs the command in that group and reports on fd 3, its channel to exec, one JSON
 * line each: {"started":pid}, then {"exit":{"code","signal"}} or {"error":code}. If the channel
 * closes first, exec has died (even by SIGKILL): the whole group is killed at once, so the
 * command never outlives the exec whose lease it runs under.
 *
 * Usage (by exec only): node exec-keeper.js CMD ARGS...
 */
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

const channel = new Socket({ fd: 3, readable: true, writable: true });
let ending = false;

function killGroup(): void {
  // The group's id is this process's pid (exec started it detached: setsid); this process dies too.
  process.kill(-process.pid, 'SIGKILL');
}

function report(message: object, exitCode: number): void {
  ending = true;
  channel.end(`${JSON.stringify(message)}\n`, () => process.exit(exitCode));
}

channel.on('end', () => {
  if (!ending) killGroup();
});
channel.on('error', () => {
  if (!ending) killGroup();
});
channel.resume();

const [command, ...args] = process.argv.slice(2);
// fd 3 of the command is /dev/null: the channel stays between exec and this process.
const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'inherit', 'ignore'] });
// Only once the command is in the group: a SIGTERM to the group before then ends this process
// with nothing started; after, the command gets it and this process stays to report its exit.
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, () => {});
child.on('spawn', () => channel.write(`${JSON.stringify({ started: child.pid })}\n`));
child.on('error', (err: NodeJS.ErrnoException) => report({ error: err.code ?? err.message }, 127));
child.on('exit', (code, signal) => report({ exit: { code, signal } }, code ?? 128));
