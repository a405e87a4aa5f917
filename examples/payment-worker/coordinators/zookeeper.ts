/**
 * Leader election on ZooKeeper, the recipe as its docs give it: each candidate creates an
 * EPHEMERAL_SEQUENTIAL znode under /election/payments; the lowest sequence leads; every other
 * candidate watches only its predecessor (no herd effect) and re-checks when it goes. The token is
 * the znode's sequence number: the leader always holds the lowest live one and every later
 * candidate gets a higher one, so leaders' sequences increase (the parent is never deleted).
 * The Term's signal fires on disconnection (Curator's advice: a suspended connection may have
 * lost the session) or when the client-side lease runs out without the server answering a ping.
 */
import zookeeper from 'node-zookeeper-client';
import { LocalLease, type Coordinator, type CoordinatorOptions, type Term } from './coordinator.js';

const root = '/election/payments';

function call<T>(fn: (cb: (err: Error | zookeeper.Exception | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

export class ZooKeeperCoordinator implements Coordinator {
  readonly kind = 'zookeeper' as const;
  private client: zookeeper.Client | undefined;
  private node: string | undefined;
  private lease: LocalLease | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: CoordinatorOptions) {}

  /** A connected client with a live session, made anew after the old one was lost. */
  private async connected(): Promise<zookeeper.Client> {
    if (this.client && this.client.getState() === zookeeper.State.SYNC_CONNECTED) return this.client;
    this.drop();
    const client = zookeeper.createClient(this.opts.connect, { sessionTimeout: this.opts.leaseMs, spinDelay: 100, retries: 0 });
    this.client = client;
    client.on('state', (s) => {
      if (s !== zookeeper.State.SYNC_CONNECTED) this.lease?.end(`zookeeper ${String(s)}`);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('zookeeper: no session within 5 s')), 5_000);
      client.once('connected', () => { clearTimeout(timer); resolve(); });
      client.connect();
    });
    await call<string>((cb) => client.mkdirp(root, cb)).catch((err) => {
      if (!(err instanceof zookeeper.Exception && err.getCode() === zookeeper.Exception.NODE_EXISTS)) throw err;
    });
    return client;
  }

  async campaign(): Promise<Term> {
    const client = await this.connected();
    const sessionMs = client.getSessionTimeout();
    const path = await call<string>((cb) => client.create(`${root}/n-`, Buffer.from(this.opts.name), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    this.node = path;
    const me = path.slice(root.length + 1);
    for (;;) {
      const children = (await call<string[]>((cb) => client.getChildren(root, cb))).sort();
      const i = children.indexOf(me);
      if (i < 0) throw new Error('zookeeper: our candidate znode is gone (session lost)');
      if (i === 0) break;
      // Watch the predecessor only; wake when it is deleted (or is already gone).
      const prev = `${root}/${children[i - 1]}`;
      const gone = new Promise<void>((resolve) => {
        client.exists(prev, () => resolve(), (err, stat) => { if (err || !stat) resolve(); });
      });
      await Promise.race([gone, this.sessionLost(client)]);
    }
    const sentAt = performance.now();
    await call((cb) => client.exists(root, cb));
    this.lease = new LocalLease(sessionMs, this.opts.stepDownMarginMs, sentAt);
    this.startPinging(client, sessionMs);
    return { token: BigInt(me.slice(2)), signal: this.lease.signal };
  }

  private sessionLost(client: zookeeper.Client): Promise<never> {
    return new Promise((_, reject) => {
      const onState = (s: zookeeper.State) => {
        if (s === zookeeper.State.EXPIRED || s === zookeeper.State.DISCONNECTED) {
          client.removeListener('state', onState);
          reject(new Error(`zookeeper ${String(s)} while waiting`));
        }
      };
      client.on('state', onState);
    });
  }

  /** A round trip every third of the session renews the local lease with its send time. */
  private startPinging(client: zookeeper.Client, sessionMs: number): void {
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      const sentAt = performance.now();
      client.exists(root, (err) => { if (!err) this.lease?.renew(sentAt); });
    }, Math.max(50, Math.floor(sessionMs / 4)));
  }

  async resign(): Promise<void> {
    clearInterval(this.pinger);
    this.lease?.end('resigned');
    const lost = this.lease?.signal.reason;
    const node = this.node;
    this.node = undefined;
    this.lease = undefined;
    if (!this.client || !node) return;
    // After a lost lease the session may be gone or about to be: start over with a new one.
    if (String(lost).includes('lease ran out') || this.client.getState() !== zookeeper.State.SYNC_CONNECTED) return this.drop();
    const client = this.client;
    await call<void>((cb) => client.remove(node, -1, (err) => cb(err, undefined))).catch(() => this.drop());
  }

  private drop(): void {
    clearInterval(this.pinger);
    this.lease?.end('session dropped');
    this.client?.removeAllListeners('state');
    this.client?.close();
    this.client = undefined;
    this.node = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
  }
}
