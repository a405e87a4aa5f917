/** The shape every throwaway server set (ZooKeeper, etcd, PostgreSQL) takes: where to connect, and how to stop it. */
export interface Ensemble {
  /** What a client passes to connect (a connect string, endpoints joined by commas, or a URL). */
  readonly connect: string;
  /** The temp dir holding data and logs. */
  readonly dir: string;
  /** Stops every server and, unless `keep`, removes `dir`. */
  stop(keep?: boolean): Promise<void>;
}
