/**
 * What the ensemble scripts share: free loopback ports, temp dirs, running a server as another
 * user (initdb and postgres refuse root; CI runs as root), waiting for a port, and stopping a tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server binary this machine lacks (its Debian package is not installed). */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError';
  constructor(readonly binary: string, readonly debianPackage: string) {
    super(`${binary} not found: install Debian's ${debianPackage} (apt-get install -y ${debianPackage})`);
  }
}

/** A server that did not come up in time; `log` names the file holding its output. */
export class EnsembleStartError extends Error {
  override readonly name = 'EnsembleStartError';
  constructor(message: string, readonly log: string) {
    super(`${message} (see ${log})`);
  }
}

/** `n` distinct free TCP ports on 127.0.0.1 (bound and released, so a race is possible but rare). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** uid and gid of a local user from /etc/passwd, or undefined when absent. */
export function userIds(name: string): { uid: number; gid: number } | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** A fresh temp dir; owned by `owner` when given (and we are root), so a server run as that user can write it. */
export function tempDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (owner && process.getuid?.() === 0) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export interface SpawnOptions {
  log: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Drop to this user when we are root. */
  as?: { uid: number; gid: number };
}

/** Starts a server detached in its own process group, output to `log`, at nice 10 when we are nice 0 (the machine is shared). */
export function startServer(cmd: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  const fd = openSync(opts.log, 'a');
  const asRoot = process.getuid?.() === 0;
  const child = spawn('nice', ['-n', '10', cmd, ...args], {
    stdio: ['ignore', fd, fd],
    detached: true,
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(asRoot && opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
  });
  child.unref();
  return child;
}

/** Runs a command to completion (output appended to `log`); rejects on a non-zero exit. */
export function runToEnd(cmd: string, args: readonly string[], opts: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(opts.log, 'a');
    const asRoot = process.getuid?.() === 0;
    const child = spawn(cmd, args, {
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(asRoot && opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new EnsembleStartError(`${cmd} exited with ${code}`, opts.log))));
  });
}

/** Resolves once 127.0.0.1:`port` accepts a connection; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new EnsembleStartError(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`, log);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `signal` (SIGTERM unless told) to the process group, SIGKILL after `graceMs` if still there. */
export async function stopGroup(child: ChildProcess, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  if (child.pid === undefined || gone()) return;
  try { process.kill(-child.pid, signal); } catch { return; }
  // Poll rather than await 'exit': the child is unref'd, so its exit alone would not keep us running.
  const killAt = Date.now() + graceMs;
  while (!gone()) {
    if (Date.now() > killAt) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { return; }
      if (Date.now() > killAt + 5000) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when `path` exists and is executable by someone. */
export function hasBinary(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Sends `command` to 127.0.0.1:`port` and returns everything the server writes back before closing (ZooKeeper's four-letter words). */
export function askPort(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = connect({ host: '127.0.0.1', port }, () => s.write(command));
    s.setTimeout(timeoutMs, () => s.destroy());
    s.on('data', (d) => { out += d.toString(); });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(''));
  });
}

/** Polls `ready` every 100 ms until it is true; rejects after `timeoutMs`. */
export async function waitUntil(ready: () => Promise<boolean>, timeoutMs: number, what: string, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new EnsembleStartError(`${what} not ready after ${timeoutMs} ms`, log);
    await new Promise((r) => setTimeout(r, 100));
  }
}
