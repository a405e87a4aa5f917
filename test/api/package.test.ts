/**
 * The package as a user gets it: `npm pack` (which builds the library and its declarations),
 * `npm install` of the tarball into a fresh folder outside the repository, then a plain .mjs
 * program there runs a 5-node ring over loopback UDP through the public API in one process and
 * exits by itself, and a TypeScript consumer type-checks against the installed declarations.
 * The repository's own build (dist/) is not touched: the package is built from a copy.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion; npm's own variables from an enclosing `npm test` are left out so they cannot redirect it. */
function run(file: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

const RING_MJS = `
import { createSocket } from 'node:dgram';
import { createNode } from 'hs-ring';

const ids = [3, 9, 5, 7, 1];
// Free ports from the OS: bind them all, then release them for the nodes.
const sockets = ids.map(() => createSocket('udp4'));
const ports = await Promise.all(sockets.map((s) => new Promise((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)))));
await Promise.all(sockets.map((s) => new Promise((r) => s.close(r))));
const ring = ids.map((id, i) => ({ id, host: '127.0.0.1', port: ports[i] }));

const nodes = await Promise.all(ids.map((id) => createNode({ id, ring, link: { lingerMs: 100 }, timeoutMs: 20000 })));
const decided = [];
for (const node of nodes) node.on('decided', ({ leader, isLeader }) => decided.push({ id: node.id, leader, isLeader }));
const results = await Promise.all(nodes.map((node) => node.start()));
await Promise.all(nodes.map((node) => node.close()));
console.log(JSON.stringify({
  leaders: results.map((r) => r.leader),
  outcomes: results.map((r) => r.outcome),
  claimants: results.filter((r) => r.isLeader).map((r) => r.id),
  decided: decided.length,
  states: nodes.map((n) => n.state),
}));
`;

const METRICS_MJS = `
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMember, serveMetrics } from 'hs-ring';

const s = createSocket('udp4');
const port = await new Promise((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
await new Promise((r) => s.close(r));
const member = await createMember({ ring: [{ id: 1, host: '127.0.0.1', port }], self: 1, stateDir: mkdtempSync(join(tmpdir(), 'hs-ring-app-')) });
try {
  await serveMetrics(member, { port: 0 });
  console.log('served');
} catch (err) {
  console.log(err.code + ': ' + err.message);
} finally {
  await member.close();
}
`;

const CONSUMER_TS = `
import { createNode, HsRingError, PortInUseError, type HsRingNode, type NodeOptions, type NodeResult } from 'hs-ring';
import { type HsRingMember, type MetricsServer, serveMetrics } from 'hs-ring';

// The metrics API type-checks where the optional prom-client is not installed.
export async function metricsPort(member: HsRingMember): Promise<number> {
  const server: MetricsServer = await serveMetrics(member, { port: 9464 });
  return server.address.port;
}

const options: NodeOptions = { id: 7, listen: '127.0.0.1:7001', left: '127.0.0.1:7000', right: '127.0.0.1:7002', link: { ackDelayMs: 5 } };

export async function elect(): Promise<NodeResult> {
  const node: HsRingNode = await createNode(options);
  node.on('decided', ({ leader, isLeader }) => console.log(leader.toFixed(0), isLeader ? 'me' : 'another'));
  node.on('drop', ({ reason, from }) => console.log(reason, from.port));
  // @ts-expect-error: the event is 'decided'
  node.on('decide', () => undefined);
  try {
    const result = await node.start();
    const leader: number | null = result.leader;
    return { ...result, leader };
  } catch (err) {
    if (err instanceof PortInUseError) console.log(err.code === 'PortInUse');
    if (err instanceof HsRingError) console.log(err.code);
    throw err;
  } finally {
    await node.close();
  }
}

// @ts-expect-error: ids are numbers
export const wrong: NodeOptions = { id: '7', listen: '127.0.0.1:7001' };
`;

test('package: npm pack, npm install in a fresh folder, a 5-node ring through the public API, and types for TypeScript', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'hs-ring-package-'));
  try {
    // A copy of what the package is built from, sharing the repository's installed tools.
    const source = join(tmp, 'source');
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'src', 'docs/library.md']) {
      cpSync(join(repo, f), join(source, f), { recursive: true });
    }
    symlinkSync(join(repo, 'node_modules'), join(source, 'node_modules'), 'dir');
    const pack = await run('npm', ['pack', '--pack-destination', tmp], source, 120_000);
    t.is(pack.code, 0, pack.stderr);
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    t.truthy(tarball, pack.stdout);

    const app = join(tmp, 'app');
    cpSync(join(source, 'README.md'), join(app, 'README.md'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, tarball!)], app, 120_000);
    t.is(install.code, 0, install.stderr);
    const installed = join(app, 'node_modules', 'hs-ring');
    t.true(existsSync(join(installed, 'dist', 'src', 'index.d.ts')), 'declarations are in the package');
    t.false(existsSync(join(installed, 'dist', 'test')), 'tests are not');
    t.false(existsSync(join(app, 'node_modules', 'fast-check')), 'no dev dependency is installed');
    t.false(existsSync(join(app, 'node_modules', 'vega')), 'the plotting library is optional');
    t.false(existsSync(join(app, 'node_modules', 'prom-client')), 'so is the metrics library');

    writeFileSync(join(app, 'ring.mjs'), RING_MJS);
    // The process must exit by itself: a socket or timer left open would keep it to the timeout.
    const ring = await run(process.execPath, ['ring.mjs'], app, 30_000);
    t.is(ring.code, 0, ring.stderr);
    t.deepEqual(JSON.parse(ring.stdout), {
      leaders: [9, 9, 9, 9, 9],
      outcomes: ['ok', 'ok', 'ok', 'ok', 'ok'],
      claimants: [9],
      decided: 5,
      states: ['closed', 'closed', 'closed', 'closed', 'closed'],
    });

    // Without prom-client the library loads, and metrics say in one line what is missing.
    writeFileSync(join(app, 'metrics.mjs'), METRICS_MJS);
    const metrics = await run(process.execPath, ['metrics.mjs'], app, 30_000);
    t.is(metrics.code, 0, metrics.stderr);
    t.is(metrics.stdout, 'MissingDependency: metrics are served with prom-client, an optional dependency not installed here: npm install prom-client\n');

    writeFileSync(join(app, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(repo, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app, 60_000);
    t.is(tsc.code, 0, tsc.stdout + tsc.stderr);

    // The CLI ships too; drawing without the optional plotting library is one line, exit 2.
    writeFileSync(join(app, 'trace.jsonl'), '{"ring":[1]}\n');
    const view = await run(process.execPath, [join(installed, 'dist', 'src', 'cli', 'main.js'), 'trace', 'view', 'trace.jsonl', '-o', 'out.svg'], app);
    t.is(view.code, 2, view.stderr);
    t.is(view.stderr, 'hs-ring: trace view draws with vega, an optional dependency not installed here: npm install vega\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
