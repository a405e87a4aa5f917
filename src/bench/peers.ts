/** Starting n helper processes for the bench and collecting the port each reports. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** n yardstick processes (relay ring, bare election) and their stdout, line by line. */
export interface Peers {
  readonly children: readonly ChildProcess[];
  /** One iterator per child: it buffers lines, so none is lost while we wait on another child. */
  readonly lines: readonly AsyncIterator<string>[];
}

/** Starts n copies of `script` with the given V8 flags; each is to print its port first. */
export function spawnPeers(script: string, n: number, flags: readonly string[] = []): Peers {
  const children: ChildProcess[] = [];
  const lines: AsyncIterator<string>[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [...flags, script], { stdio: ['pipe', 'pipe', 'inherit'] });
    // A child that died leaves its stdin broken: that shows as a missing line, not as a crash here.
    child.stdin!.on('error', () => undefined);
    children.push(child);
    lines.push(createInterface({ input: child.stdout! })[Symbol.asyncIterator]());
  }
  return { children, lines };
}

/** The next line of one peer; throws, naming `what`, if it exited instead. */
export async function nextLine(lines: AsyncIterator<string>, what: string): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error(`a ${what} process exited before it was ready`);
  return value as string;
}

export function killPeers(peers: Peers): void {
  for (const c of peers.children) c.kill();
}
