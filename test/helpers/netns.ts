/** Creates and deletes network namespaces with lossy nftables rules for the netns tests. */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NodeResult } from '../../src/node/result.js';
import { cliPath } from './cli.js';

const exec = promisify(execFile);

/**
 * nftables' `nft`, by absolute path: under npm, PATH starts with node_modules/.bin, where an
 * unrelated package's `nft` (@vercel/nft, a file tracer) would answer instead.
 */
const NFT = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft', '/bin/nft'].find((p) => existsSync(p));

/** Runs a command; rejects with its stderr. */
async function sh(cmd: string, args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) return (await exec(cmd, [...args])).stdout;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err.trim()}`))));
    child.stdin.end(input);
  });
}

/** Why network namespaces cannot be used here, or undefined if they can. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (run as root, as CI does)';
  try {
    await exec('ip', ['-V']);
  } catch {
    return 'ip is not installed (.ci/run installs iproute2 and nftables)';
  }
  if (!NFT) return 'nft is not installed (.ci/run installs iproute2 and nftables)';
  const probe = `hsr-probe-${process.pid}`;
  try {
    await sh('ip', ['netns', 'add', probe]);
    await sh('ip', ['netns', 'del', probe]);
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message}`;
  }
  return undefined;
}

/**
 * n hosts, each a network namespace with one veth interface and an address from 10.77.0.0/24,
 * cabled to a bridge that lives in a namespace of its own: nothing is added to the host's own
 * network. Each host drops `lossPercent`% of incoming UDP at random with nftables.
 */
export class NetnsLab {
  readonly hosts: string[];
  readonly addresses: string[];
  private readonly bridge: string;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hs-ring-netns-'));

  private constructor(readonly n: number, tag: string) {
    this.bridge = `${tag}-br`;
    this.hosts = Array.from({ length: n }, (_, i) => `${tag}-h${i}`);
    this.addresses = Array.from({ length: n }, (_, i) => `10.77.0.${i + 1}`);
  }

  /** Builds the lab; on any failure it removes what it made and rethrows. */
  static async create(n: number, lossPercent: number): Promise<NetnsLab> {
    const lab = new NetnsLab(n, `hsr${process.pid}x${Math.floor(Math.random() * 1e4)}`);
    try {
      await lab.build(lossPercent);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async build(lossPercent: number): Promise<void> {
    const b = this.bridge;
    await sh('ip', ['netns', 'add', b]);
    await sh('ip', ['-n', b, 'link', 'add', 'br0', 'type', 'bridge']);
    await sh('ip', ['-n', b, 'link', 'set', 'br0', 'up']);
    for (let i = 0; i < this.n; i++) {
      const h = this.hosts[i]!;
      await sh('ip', ['netns', 'add', h]);
      await sh('ip', ['-n', h, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', b]);
      await sh('ip', ['-n', h, 'addr', 'add', `${this.addresses[i]}/24`, 'dev', 'eth0']);
      await sh('ip', ['-n', h, 'link', 'set', 'eth0', 'up']);
      await sh('ip', ['-n', h, 'link', 'set', 'lo', 'up']);
      await sh('ip', ['-n', b, 'link', 'set', `p${i}`, 'master', 'br0']);
      await sh('ip', ['-n', b, 'link', 'set', `p${i}`, 'up']);
      if (lossPercent > 0) {
        // Real random loss on the receive path, inside the host's namespace only.
        const rules =
          'table inet hsloss {\n' +
          '  chain input {\n' +
          '    type filter hook input priority 0; policy accept;\n' +
          `    meta l4proto udp numgen random mod 100 < ${lossPercent} counter drop\n` +
          '  }\n' +
          '}\n';
        await sh('ip', ['netns', 'exec', h, NFT!, '-f', '-'], rules);
      }
    }
  }

  /** UDP datagrams the nftables rules dropped, summed over the hosts. */
  async droppedByNft(): Promise<number> {
    let total = 0;
    for (const h of this.hosts) {
      const out = await sh('ip', ['netns', 'exec', h, NFT!, 'list', 'table', 'inet', 'hsloss']).catch(() => '');
      const m = /counter packets (\d+)/.exec(out);
      total += m ? Number(m[1]) : 0;
    }
    return total;
  }

  /**
   * Cuts host i off: nftables drops every UDP datagram it sends or receives (on eth0 and lo
   * alike), a partition of that host from all the others. heal(i) undoes it.
   */
  async partition(i: number): Promise<void> {
    const rules =
      'table inet hscut {\n' +
      '  chain input {\n    type filter hook input priority -10; policy accept;\n    meta l4proto udp counter drop\n  }\n' +
      '  chain output {\n    type filter hook output priority -10; policy accept;\n    meta l4proto udp counter drop\n  }\n' +
      '}\n';
    await sh('ip', ['netns', 'exec', this.hosts[i]!, NFT!, '-f', '-'], rules);
  }

  async heal(i: number): Promise<void> {
    await sh('ip', ['netns', 'exec', this.hosts[i]!, NFT!, 'delete', 'table', 'inet', 'hscut']);
  }

  /** Writes a ring file of `ids` on the hosts' addresses (host i gets ids[i]) at `port`; returns its path. */
  writeRing(ids: readonly number[], port = 7000): string {
    const ring = join(this.dir, 'ring.json');
    writeFileSync(ring, JSON.stringify({ members: ids.map((id, i) => ({ id, host: this.addresses[i], port })) }));
    return ring;
  }

  /** A fresh directory inside the lab's (deleted by destroy()). */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** The host name of host i, as the hosts files that `useHostNames` writes spell it. */
  hostName(i: number): string {
    return `member-${i}.ring.test`;
  }

  /**
   * Gives every host namespace a hosts file naming all hosts (hostName(i) -> addresses[i]).
   * `ip netns exec NS` mounts /etc/netns/NS/hosts over /etc/hosts for the command it runs, so the
   * machine's own /etc/hosts is never touched; destroy() removes these files.
   */
  useHostNames(): void {
    const lines = this.addresses.map((a, i) => `${a} ${this.hostName(i)}`).join('\n') + '\n';
    for (const h of this.hosts) {
      mkdirSync(`/etc/netns/${h}`, { recursive: true });
      writeFileSync(`/etc/netns/${h}/hosts`, `127.0.0.1 localhost\n${lines}`);
    }
    this.namesInRing = true;
  }

  private namesInRing = false;

  /**
   * One election: writes a ring file of the hosts' addresses (or their names, after
   * useHostNames) with `ids` in ring order and runs one `hs-ring node --ring` per namespace.
   * Resolves with every node's result.
   */
  async elect(ids: readonly number[], timeoutMs = 20_000): Promise<NodeResult[]> {
    const ring = join(this.dir, 'ring.json');
    const host = (i: number) => (this.namesInRing ? this.hostName(i) : this.addresses[i]);
    writeFileSync(ring, JSON.stringify({ members: ids.map((id, i) => ({ id, host: host(i), port: 7000 })) }));
    return Promise.all(
      ids.map(
        (id, i) =>
          new Promise<NodeResult>((resolve, reject) => {
            const child = spawn('ip', [
              'netns', 'exec', this.hosts[i]!, process.execPath, cliPath, 'node', '--ring', ring, '--self', String(id), '--json', '--timeout', String(timeoutMs),
            ]);
            let out = '';
            let err = '';
            child.stdout.on('data', (d) => (out += d));
            child.stderr.on('data', (d) => (err += d));
            child.on('close', (code) => {
              try {
                resolve(JSON.parse(out) as NodeResult);
              } catch {
                reject(new Error(`node ${id} in ${this.hosts[i]}: exit ${code}: ${err.trim() || out.trim()}`));
              }
            });
          }),
      ),
    );
  }

  /** Deletes every namespace (and so every interface and rule) this lab made. Safe to call twice. */
  async destroy(): Promise<void> {
    for (const ns of [...this.hosts, this.bridge]) await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
    for (const h of this.hosts) rmSync(`/etc/netns/${h}`, { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
