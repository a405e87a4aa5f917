/**
 * serveMetrics(): a member's metrics (member-metrics.ts) as Prometheus text over HTTP, GET
 * /metrics, 404 elsewhere. Binds loopback unless told otherwise: the page names the members and
 * their epochs, which is no one else's business by default.
 */
import { type Server, createServer } from 'node:http';
import { AddressUnavailableError, InvalidConfigError, PortInUseError } from '../errors.js';
import type { HsRingMember } from './leadership-member.js';
import { type MemberMetricsOptions, type MetricsRegistry, memberMetrics } from './member-metrics.js';

export interface MetricsServerOptions extends MemberMetricsOptions {
  /** TCP port; 0 picks a free one (read it from `address`). */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface MetricsServer {
  /** Where /metrics is served. */
  readonly address: { readonly host: string; readonly port: number };
  readonly registry: MetricsRegistry;
  /** Stops serving and detaches the member's metrics. */
  close(): Promise<void>;
}

/** Serves `member`'s metrics on http://host:port/metrics; PortInUseError or AddressUnavailableError if it cannot listen. */
export async function serveMetrics(member: HsRingMember, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new InvalidConfigError(`metrics port ${options.port}: want an integer 0..65535`);
  const metrics = await memberMetrics(member, options);
  const { registry } = metrics;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  try {
    await listen(server, options.port, host);
  } catch (err) {
    metrics.detach();
    throw err;
  }
  const port = (server.address() as { port: number }).port;
  return {
    address: { host, port },
    registry,
    async close() {
      metrics.detach();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(`cannot serve metrics on ${where}: port already in use`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new AddressUnavailableError(`cannot serve metrics on ${where}: no such address on this machine`));
      else if (err.code === 'EACCES') reject(new AddressUnavailableError(`cannot serve metrics on ${where}: permission denied (a port below 1024 needs privileges)`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
}
