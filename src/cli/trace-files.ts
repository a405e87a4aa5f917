import { readFile, rm, writeFile } from 'node:fs/promises';

/** Per-node trace file used while a launched ring runs; merged into `path` afterwards. */
export function traceFileFor(path: string, id: number): string {
  return `${path}.node-${id}.part`;
}

/**
 * Merges the per-node traces into one file ordered by time, preceded by the header
 * `{"ring": [ids in ring order]}` that the trace checker needs. Node clocks start together on
 * the launcher's signal, so this order is approximate across nodes; each node's own events stay
 * in their order, which is what a replay against the spec relies on.
 */
export async function mergeTraces(path: string, ids: readonly number[]): Promise<void> {
  const events: { t: number; node: number; seq: number; line: string }[] = [];
  for (const id of ids) {
    const part = traceFileFor(path, id);
    const text = await readFile(part, 'utf8').catch(() => '');
    text
      .split('\n')
      .filter((l) => l.trim())
      .forEach((line, seq) => events.push({ t: (JSON.parse(line) as { t: number }).t, node: id, seq, line }));
    await rm(part, { force: true });
  }
  events.sort((a, b) => a.t - b.t || (a.node === b.node ? a.seq - b.seq : 0));
  await writeFile(path, [JSON.stringify({ ring: ids }), ...events.map((e) => e.line)].join('\n') + '\n');
}
