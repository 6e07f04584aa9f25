/**
 * GET /api/metrics: this process's metrics in Prometheus's text format, never cached. With
 * `METRICS_TOKEN` set, only a request bearing it may read them; without, only a scraper on this
 * machine: the request's peer (the socket, ../telemetry/peer-address.ts) must be loopback, or,
 * behind `TRUSTED_PROXY_HOPS` proxies, the client address they forwarded. A header the client
 * wrote alone never decides it.
 */
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { config } from '@/lib/config';
import { clientAddressFrom } from '../client-address';
import { isLoopback, requestPeer } from '../telemetry/peer-address';
import { appMetrics } from './registry';

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export interface MetricsAccess {
  /** `METRICS_TOKEN`. */
  token?: string;
  /** `TRUSTED_PROXY_HOPS`. */
  proxyHops: number;
}

/**
 * The scraper's address, from the socket or, behind proxies, the address they forwarded; never
 * without the socket's stamp, so a request that bypassed the stamp decides nothing.
 */
function trustedClient(headers: Headers, proxyHops: number): string | undefined {
  if (!requestPeer(headers)) return undefined;
  return clientAddressFrom(headers, proxyHops);
}

export function mayReadMetrics(headers: Headers, access: MetricsAccess): boolean {
  if (access.token) return bearerMatches(headers.get('authorization'), access.token);
  const client = trustedClient(headers, access.proxyHops);
  return client !== undefined && isLoopback(client);
}

const NO_STORE = { 'cache-control': 'no-store' };

export async function metricsResponse(req: Request): Promise<Response> {
  const { METRICS_TOKEN, TRUSTED_PROXY_HOPS } = config();
  if (!mayReadMetrics(req.headers, { token: METRICS_TOKEN, proxyHops: TRUSTED_PROXY_HOPS })) {
    return Response.json(
      { error: 'UNAUTHORIZED' },
      { status: 401, headers: { ...NO_STORE, 'www-authenticate': 'Bearer realm="metrics"' } },
    );
  }
  const { registry } = appMetrics();
  return new Response(await registry.metrics(), {
    headers: { ...NO_STORE, 'content-type': registry.contentType },
  });
}
