/** Where long benchmark runs say what they are doing; stderr, so `--json` output stays clean. */
export type Progress = (line: string) => void;

/** Writes progress lines to stderr, each with the seconds elapsed since the bench began. */
export function stderrProgress(): Progress {
  const t0 = performance.now();
  return (line) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);
}

export const silent: Progress = () => undefined;
