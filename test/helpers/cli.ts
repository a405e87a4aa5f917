/** Runs the built hs-ring command line in a child process and collects its output and exit code. */
import type { ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI entry point (tests run from dist/test/...). */
export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `hs-ring ...args` to completion. */
export function runCli(args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/** A user mistake: exactly one line on stderr naming the problem, exit 2, no stack trace. */
export async function rejects(t: ExecutionContext, args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args);
  t.is(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, 1, `one line: ${r.stderr}`);
  t.regex(lines[0]!, pattern);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
}
