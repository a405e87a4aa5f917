/**
 * The TLA+ models as regression tests: `node tla/run-tlc.mjs --offline --json` checks the small
 * models with the npm tla-checker (invariants only; TLC also checks liveness, see tla/README.md),
 * and every outcome must match tla/models.json, the non-property included.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const repo = process.cwd();

interface ModelResult {
  name: string;
  outcome: string;
  violated?: string;
  distinctStates?: number;
  seconds: number;
  ok: boolean;
  problems: string[];
}

test('TLA+ models: every model checks as recorded, and the non-property fails', (t) => {
  if (!existsSync(join(repo, 'node_modules', 'tla-checker'))) {
    t.fail('the npm package tla-checker, a devDependency, is not installed (run npm ci)');
    return;
  }
  const run = spawnSync(process.execPath, ['tla/run-tlc.mjs', '--offline', '--json'], { cwd: repo, encoding: 'utf8' });
  const report = JSON.parse(run.stdout) as { checker: string; results: ModelResult[]; ok: boolean };
  t.is(report.checker, 'tla-checker');
  for (const r of report.results) {
    t.log(`${r.name}: ${r.outcome}${r.violated ? ` (${r.violated})` : ''}, ${r.distinctStates} states, ${r.seconds.toFixed(1)} s`);
    t.true(r.ok, `${r.name}: ${r.problems.join('; ')}`);
  }
  const nonProperty = report.results.find((r) => r.name === 'MCNonProperty');
  t.is(nonProperty?.outcome, 'fail');
  t.is(nonProperty?.violated, 'LeaderIsNodeZero');
  t.true(report.results.some((r) => r.outcome === 'pass'));
  t.true(report.ok);
  t.is(run.status, 0);
});
