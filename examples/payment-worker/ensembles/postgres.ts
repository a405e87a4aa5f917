/**
 * A throwaway PostgreSQL cluster (Debian's postgresql) on a loopback port in a temp dir. initdb
 * and postgres refuse to run as root, so as root they run as the `postgres` user, which owns the
 * dir. fsync is off: the cluster lives for one test and replicas, not the database, are killed.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ensemble } from './ensemble.js';
import { EnsembleStartError, freePorts, MissingPackageError, runToEnd, startServer, stopGroup, tempDir, userIds, waitUntil } from './process.js';

/** The newest installed server's bin dir (/usr/lib/postgresql/<major>/bin), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

/** Starts the cluster; `connect` is a postgres:// URL for the `postgres` superuser (trust auth, loopback only). */
export async function startPostgres(opts: { startTimeoutMs?: number } = {}): Promise<Ensemble> {
  const bin = postgresBinDir();
  if (!bin) throw new MissingPackageError('/usr/lib/postgresql/*/bin/postgres', 'postgresql');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? userIds('postgres') : undefined;
  if (asRoot && !owner) throw new EnsembleStartError('running as root and no `postgres` user to run the server as', '/etc/passwd');
  const dir = tempDir('hs-ring-pg-', owner);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const [port] = await freePorts(1);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };
  const common = { log, env, cwd: dir, ...(owner ? { as: owner } : {}) };
  await runToEnd(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], common);
  const child = startServer(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off', '-c', 'max_connections=50', '-c', 'shared_buffers=32MB',
  ], common);
  const stop = async (keep = false) => {
    await stopGroup(child, 5000, 'SIGINT'); // postgres' fast shutdown: SIGTERM would wait for clients
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The port opens before the server accepts queries ("the database system is starting up").
    await waitUntil(() => runToEnd(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { log, env }).then(() => true, () => false),
      opts.startTimeoutMs ?? 60_000, 'postgres', log);
  } catch (err) {
    await stop(true);
    throw err;
  }
  return { connect: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop };
}
