/**
 * The mutation score per folder from Stryker's JSON report, minus the mutants listed as
 * equivalent in test/mutation/equivalent.json (each with its reason). Killed and timed-out
 * mutants count as detected; survivors and uncovered ones as missed; mutants that do not compile
 * or crash on load are no test of the tests and count for neither, as in Stryker's own score.
 */
import { readFileSync } from 'node:fs';

/** One equivalent mutant: where it is, what it changes, and why no test can tell it apart. */
export interface Equivalent {
  /** Path from the repository root, e.g. src/core/hs.ts. */
  readonly file: string;
  /** Stryker's mutator name, e.g. EqualityOperator. */
  readonly mutator: string;
  /** The mutated code as Stryker prints it. */
  readonly replacement: string;
  /** The trimmed source line the mutant starts on: stable when other lines move. */
  readonly line: string;
  readonly reason: string;
}

interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } };
}

interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>;
}

export interface Survivor {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly replacement: string;
  readonly code: string;
  readonly status: string;
  /** The reason it is equivalent, if equivalent.json lists it. */
  readonly equivalent?: string;
}

export interface FolderScore {
  readonly detected: number;
  readonly missed: number;
  readonly equivalent: number;
  readonly invalid: number;
  readonly total: number;
  /** detected / (detected + missed), in percent; equivalents are in neither. */
  readonly score: number;
  /** Stryker's own score, counting equivalents as missed. */
  readonly rawScore: number;
  readonly survivors: Survivor[];
  /** Entries of equivalent.json for this folder that match no surviving mutant (stale). */
  readonly unmatched: Equivalent[];
}

const DETECTED = new Set(['Killed', 'Timeout']);
const MISSED = new Set(['Survived', 'NoCoverage']);

export function readEquivalents(path: string): Equivalent[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Equivalent[];
}

/** A folder's skip pattern (`index.ts`, `leadership/**`, `*.d.ts`) as a test on a path relative to the folder. */
function skipMatcher(patterns: readonly string[]): (relative: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`));
  return (relative) => res.some((r) => r.test(relative));
}

/**
 * Scores the report's files under `folder` (e.g. src/core), but for those its `skip` patterns
 * name: a report made before a file was skipped scores as a run without it would.
 */
export function scoreFolder(report: Report, folder: string, equivalents: readonly Equivalent[], skip: readonly string[] = []): FolderScore {
  const skipped = skipMatcher(skip);
  let detected = 0;
  let missed = 0;
  let equivalent = 0;
  let invalid = 0;
  let total = 0;
  const survivors: Survivor[] = [];
  const used = new Set<Equivalent>();
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const path = file.replace(/\\/g, '/');
    if (!path.startsWith(`${folder}/`) || skipped(path.slice(folder.length + 1))) continue;
    const lines = source.split('\n');
    for (const m of mutants) {
      total += 1;
      if (DETECTED.has(m.status)) detected += 1;
      else if (MISSED.has(m.status)) {
        const code = (lines[m.location.start.line - 1] ?? '').trim();
        const replacement = m.replacement ?? '';
        const match = equivalents.find((e) => e.file === path && e.mutator === m.mutatorName && e.replacement === replacement && e.line === code);
        if (match) {
          used.add(match);
          equivalent += 1;
        } else missed += 1;
        survivors.push({ file: path, line: m.location.start.line, mutator: m.mutatorName, replacement, code, status: m.status, ...(match ? { equivalent: match.reason } : {}) });
      } else invalid += 1;
    }
  }
  const percent = (a: number, b: number) => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
  return {
    detected,
    missed,
    equivalent,
    invalid,
    total,
    score: percent(detected, detected + missed),
    rawScore: percent(detected, detected + missed + equivalent),
    survivors,
    unmatched: equivalents.filter((e) => e.file.startsWith(`${folder}/`) && !used.has(e)),
  };
}

export function readReport(path: string): Report {
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

/**
 * The full report with the statuses of a later run over some of its files (`--files`, e.g. the
 * survivors' lines after a test was added) put in place of the earlier ones. A mutant is the same
 * when its file's source is unchanged and it has the same mutator, replacement and span;
 * files whose source changed since the full run are left as they were (rerun the folder).
 */
export function mergeRerun(full: Report, rerun: Report): { report: Report; replaced: number; stale: string[] } {
  let replaced = 0;
  const stale: string[] = [];
  const files: Record<string, Report['files'][string]> = { ...full.files };
  for (const [file, later] of Object.entries(rerun.files)) {
    const earlier = files[file];
    if (!earlier) continue;
    if (earlier.source !== later.source) {
      stale.push(file);
      continue;
    }
    const key = (m: ReportMutant) => `${m.mutatorName}|${m.replacement ?? ''}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;
    const status = new Map(later.mutants.map((m) => [key(m), m.status]));
    const mutants = earlier.mutants.map((m) => {
      const s = status.get(key(m));
      if (s === undefined) return m;
      replaced += 1;
      return { ...m, status: s };
    });
    files[file] = { source: earlier.source, mutants };
  }
  return { report: { ...full, files }, replaced, stale };
}
