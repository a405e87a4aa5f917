/**
 * Leader election on etcd with the etcd3 client's Election (the port of etcd's Go
 * concurrency.Election): a key per candidate under a lease; the lowest create revision leads;
 * each waits for the deletion of the one created just before it. The token is the leader key's
 * create revision. The Term's signal fires when the client-side lease (renewed with the send time
 * of each keep-alive etcd answered) runs out, or when the client reports the lease lost.
 */
import { Etcd3, type Campaign, type Lease } from 'etcd3';
import { LocalLease, type Coordinator, type CoordinatorOptions, type Term } from './coordinator.js';

export class EtcdCoordinator implements Coordinator {
  readonly kind = 'etcd' as const;
  private readonly client: Etcd3;
  private campaignHandle: Campaign | undefined;
  private lease: LocalLease | undefined;

  constructor(private readonly opts: CoordinatorOptions) {
    this.client = new Etcd3({ hosts: opts.connect.split(','), dialTimeout: 2000 });
  }

  async campaign(): Promise<Term> {
    const ttl = Math.max(1, Math.ceil(this.opts.leaseMs / 1000));
    // Sent no earlier than now: the lease granted for this campaign runs at least until now + ttl.
    let lastGood = performance.now();
    const campaign = this.client.election('payments', ttl).campaign(this.opts.name);
    this.campaignHandle = campaign;
    // The Election keeps its lease private; its keep-alive events are what the local lease needs.
    const etcdLease = (campaign as unknown as { lease: Lease }).lease;
    let firedAt = lastGood;
    etcdLease.on('keepaliveFired', () => { firedAt = performance.now(); });
    etcdLease.on('keepaliveSucceeded', () => { lastGood = firedAt; this.lease?.renew(firedAt); });
    await new Promise<void>((resolve, reject) => {
      campaign.on('elected', () => resolve());
      campaign.on('error', (err) => { this.lease?.end(`etcd: ${err.message}`); reject(err); });
    });
    this.lease = new LocalLease(ttl * 1000, this.opts.stepDownMarginMs, lastGood);
    const res = await this.client.get(await campaign.getCampaignKey()).exec().catch(() => undefined);
    const kv = res?.kvs[0];
    if (!kv) {
      this.lease.end('etcd: our leader key is gone');
      throw new Error('etcd: our leader key is gone');
    }
    return { token: BigInt(kv.create_revision), signal: this.lease.signal };
  }

  async resign(): Promise<void> {
    this.lease?.end('resigned');
    this.lease = undefined;
    const c = this.campaignHandle;
    this.campaignHandle = undefined;
    await c?.resign().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.resign();
    this.client.close();
  }
}
