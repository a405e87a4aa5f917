/**
 * The ring's "ensemble" is no server at all: the replicas are its members. What it sets up is the
 * ring file they share (free loopback UDP ports, each member named after its replica); `connect`
 * is that file's path. Each replica's state directory belongs to the chaos run, not to this.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reserveUdpPorts } from '../../../src/transport/ports.js';
import type { NamedRingFile } from '../coordinators/ring.js';
import type { Ensemble } from './ensemble.js';
import { tempDir } from './process.js';

/** The replica names the chaos harness uses, r1..rN, are the members' names; ids are 1..N. */
export async function startRing(replicas: number): Promise<Ensemble> {
  const dir = tempDir('hs-ring-ring-');
  const ports = await reserveUdpPorts('127.0.0.1', replicas);
  const file: NamedRingFile = { members: ports.map((port, i) => ({ id: i + 1, host: '127.0.0.1', port, name: `r${i + 1}` })) };
  const connect = join(dir, 'ring.json');
  writeFileSync(connect, `${JSON.stringify(file, null, 2)}\n`);
  return {
    connect, dir,
    stop: async (keep = false) => { if (!keep) rmSync(dir, { recursive: true, force: true }); },
  };
}
