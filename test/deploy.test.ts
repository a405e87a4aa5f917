// The deployment examples of docs/deploy.md, checked offline (no container engine or cluster
// here): the Kubernetes manifests against Kubernetes' published schemas (kubernetes-models), the
// ring file they carry with the ring-file reader, the Dockerfile's entry point run as the image
// lays it out, and the systemd unit's command line against the CLI's own flags.
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { readMembers } from '../src/config/ring-file.js';
import { cliPath, runCli } from './helpers/cli.js';

const exec = promisify(execFile);
const repo = process.cwd();
const deploy = join(repo, 'examples/deploy');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  engines: { node: string };
};

/** The manifests as Kubernetes reads them (YAML 1.1: 0440 is octal). */
function manifests(): Record<string, unknown>[] {
  const docs = parseAllDocuments(readFileSync(join(deploy, 'kubernetes/hs-ring.yaml'), 'utf8'), { version: '1.1' });
  return (Array.isArray(docs) ? docs : [docs]).map((d) => {
    if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJS() as Record<string, unknown>;
  });
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/StatefulSet': StatefulSet,
};

test('deploy: every Kubernetes manifest is valid against the published schema of its kind', (t) => {
  const docs = manifests();
  t.deepEqual(docs.map((d) => d.kind), ['Service', 'ConfigMap', 'StatefulSet']);
  for (const d of docs) {
    const Model = MODELS[`${d.apiVersion}/${d.kind}`];
    t.truthy(Model, `a model for ${d.apiVersion} ${d.kind}`);
    t.notThrows(() => new Model!(d).validate(), `${d.kind} validates`);
  }
  // The check can fail: a port given as a string is refused by the schema.
  const sts = structuredClone(docs[2]) as any;
  sts.spec.template.spec.containers[0].ports[0].containerPort = '7000';
  t.throws(() => new StatefulSet(sts).validate(), { message: /containerPort must be integer/ });
});

test('deploy: the StatefulSet, its headless Service and the ring file agree (ordinal = ring position = id, key from a Secret)', (t) => {
  const [svc, cm, sts] = manifests() as any[];
  t.is(svc.spec.clusterIP, 'None', 'headless: one DNS name per pod');
  t.true(svc.spec.publishNotReadyAddresses, 'names published before pods are ready: members resolve each other at start');
  t.is(sts.spec.serviceName, svc.metadata.name);
  const labels = sts.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(svc.spec.selector)) t.is(labels[k], v, `the Service selects the pods (${k})`);
  for (const [k, v] of Object.entries(sts.spec.selector.matchLabels)) t.is(labels[k], v);

  const members = readMembers(JSON.parse(cm.data['ring.json']), 'ConfigMap ring.json');
  t.is(members.length, sts.spec.replicas, 'one member per replica');
  const container = sts.spec.template.spec.containers[0];
  const port = container.ports[0];
  t.is(port.protocol, 'UDP');
  t.is(svc.spec.ports[0].protocol, 'UDP');
  t.is(svc.spec.ports[0].targetPort, port.containerPort);
  const ns = sts.metadata.namespace ?? 'default';
  members.forEach((m, i) => {
    t.is(m.host, `${sts.metadata.name}-${i}.${svc.metadata.name}.${ns}.svc.cluster.local`, `member ${i} is pod ${i}'s stable name`);
    t.is(m.id, i, 'id = ordinal, so --self $(POD_INDEX) names the pod\'s own member');
    t.is(m.port, port.containerPort);
  });

  const args: string[] = container.args;
  const flag = (name: string) => args[args.indexOf(name) + 1];
  t.is(args[0], 'node');
  t.is(flag('--self'), '$(POD_INDEX)');
  const podIndex = container.env.find((e: any) => e.name === 'POD_INDEX');
  t.is(podIndex.valueFrom.fieldRef.fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
  const mountOf = (volume: string) => container.volumeMounts.find((m: any) => m.name === volume).mountPath as string;
  const volume = (name: string) => sts.spec.template.spec.volumes.find((v: any) => v.name === name);
  t.is(volume('ring').configMap.name, cm.metadata.name);
  t.is(flag('--ring'), posix.join(mountOf('ring'), 'ring.json'));
  t.is(volume('key').secret.secretName, 'hs-ring-key', 'the key comes from a Secret');
  t.is(flag('--key-file'), posix.join(mountOf('key'), 'cluster.key'));
  t.is(volume('key').secret.defaultMode, 0o440, 'readable by the pod\'s group only');
  t.is(sts.spec.template.spec.securityContext.fsGroup, sts.spec.template.spec.securityContext.runAsUser);
});

/** The Dockerfile's instructions, continuation lines joined. */
function dockerfile(): { op: string; arg: string }[] {
  return readFileSync(join(deploy, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l.trim())!;
      return { op: m[1]!.toUpperCase(), arg: m[2]! };
    });
}

test('deploy: the Dockerfile builds on the official Node image the package needs, from files that exist', (t) => {
  const steps = dockerfile();
  const froms = steps.filter((s) => s.op === 'FROM').map((s) => s.arg.split(/\s+/)[0]!);
  const major = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
  for (const f of froms) t.regex(f, new RegExp(`^node:${major}(\\.|-|$)`), `official node:${major} image: ${f}`);
  for (const s of steps.filter((x) => x.op === 'COPY' && !x.arg.startsWith('--from'))) {
    const sources = s.arg.split(/\s+/).slice(0, -1);
    for (const src of sources) t.true(existsSync(join(repo, src)), `COPY ${src}: in the repository`);
  }
});

test('deploy: the image\'s entry point is the CLI the tests run, and it works from the files the image keeps', async (t) => {
  const steps = dockerfile();
  const last = steps.map((s) => s.op).lastIndexOf('FROM');
  const final = steps.slice(last);
  const workdir = final.find((s) => s.op === 'WORKDIR')!.arg;
  const entry = JSON.parse(final.find((s) => s.op === 'ENTRYPOINT')!.arg) as string[];
  const cmd = JSON.parse(final.find((s) => s.op === 'CMD')!.arg) as string[];
  t.is(entry[0], 'node');
  t.is(entry[1], posix.join(workdir, pkg.bin['hs-ring']!), 'the package\'s bin, which is the tests\' entry point');
  t.is(join(repo, 'dist', posix.relative(posix.join(workdir, 'dist'), entry[1]!)), cliPath);

  // Lay out what the final stage copies (from the build stage's /app, i.e. this built worktree)
  // in a scratch folder standing for /app, and run the entry point there.
  const app = mkdtempSync(join(tmpdir(), 'hs-ring-image-'));
  t.teardown(() => rmSync(app, { recursive: true, force: true }));
  for (const s of final.filter((x) => x.op === 'COPY')) {
    const m = /^--from=\w+\s+(\S+)\s+(\S+)$/.exec(s.arg);
    t.truthy(m, `COPY ${s.arg} copies from the build stage`);
    const from = join(repo, posix.relative('/app', m![1]!));
    const to = join(app, posix.relative('.', m![2]!));
    mkdirSync(join(to, '..'), { recursive: true });
    // node_modules is linked, not copied: its contents are npm's business (checked below).
    if (from.endsWith('node_modules')) symlinkSync(from, to);
    else cpSync(from, to, { recursive: true });
  }
  const image = join(app, posix.relative(workdir, entry[1]!));
  const r = await exec(process.execPath, [image, ...cmd]);
  t.regex(r.stdout, /hs-ring <command>/);
  t.regex(r.stdout, /\bnode\b.*Run one ring node/);
  // The StatefulSet's flags are flags of `hs-ring node` (an unknown one would exit 2).
  const help = await runCli(['node', '--help']);
  const [, , sts] = manifests() as any[];
  for (const a of sts.spec.template.spec.containers[0].args as string[]) if (a.startsWith('--')) t.regex(help.stdout, new RegExp(`${a}\\b`), a);
});

/** The packages and modules a built module imports, statically or with import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;'"()]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

/** Dev dependencies the CLI loads only on demand, reporting their absence in one line. */
const ON_DEMAND: Record<string, string> = { 'fast-check': 'sim --replay (src/cli/sim-command.ts)' };

test('deploy: every package the CLI loads is a dependency, so `npm prune --omit=dev` keeps it', (t) => {
  const seen = new Set<string>();
  const missing = new Set<string>();
  const installed = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) visit(join(file, '..', spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in installed) && !(name in ON_DEMAND)) missing.add(`${name} (${file.slice(repo.length + 1)})`);
      }
    }
  };
  visit(cliPath);
  t.true(seen.size > 40, `${seen.size} modules reachable from the CLI`);
  t.deepEqual([...missing], []);
});

test('deploy: the systemd unit runs `hs-ring node` with a ring file, its id and the key, with flags the CLI has', async (t) => {
  const unit = readFileSync(join(deploy, 'hs-ring.service'), 'utf8');
  const exec = /^ExecStart=(.*)$/m.exec(unit)![1]!.split(/\s+/);
  t.deepEqual(exec.slice(0, 3), ['/usr/bin/env', 'hs-ring', 'node']);
  t.regex(unit, /^Type=oneshot$/m, 'a node runs one election and exits');
  t.regex(unit, /^LoadCredential=cluster\.key:/m);
  t.true(exec.includes('--key-file') && exec[exec.indexOf('--key-file') + 1] === '${CREDENTIALS_DIRECTORY}/cluster.key');
  const help = await runCli(['node', '--help']);
  for (const a of exec.filter((x) => x.startsWith('--'))) t.regex(help.stdout, new RegExp(`${a}\\b`), a);
  // The example ring file of host names is a ring file.
  const ring = readMembers(JSON.parse(readFileSync(join(deploy, 'ring.json'), 'utf8')), 'examples/deploy/ring.json');
  t.is(ring.length, 3);
});
