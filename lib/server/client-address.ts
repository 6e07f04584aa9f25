import 'server-only';
import { isIP } from 'node:net';
import { config } from '@/lib/config';
import { requestPeer } from './telemetry/peer-address';

type HeaderSource = Headers | Record<string, unknown>;

function forwardedFor(headers: HeaderSource): string | undefined {
  const raw =
    headers instanceof Headers ? headers.get('x-forwarded-for') : headers['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The browser's address, as the Next server can know it, for the API's rate limits. With no
 * proxy in front (`TRUSTED_PROXY_HOPS` 0) it is the socket's peer, which instrumentation.ts
 * stamps on every request: Next fills `X-Forwarded-For` from the socket only when the request
 * brought none, so that header alone is whatever the client wrote. Behind n proxies, each
 * appends the address it saw, so the browser's address is the n-th entry from the right;
 * entries further left were written by the client and are never used. Anything that is not an
 * IP address gives `undefined`, and the API then counts the Next server's own address.
 */
export function clientAddressFrom(headers: HeaderSource, proxyHops: number): string | undefined {
  if (proxyHops === 0) return requestPeer(headers);
  const forwarded = forwardedFor(headers);
  if (forwarded === undefined || forwarded.length > 1024) return undefined;
  const entries = forwarded
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = entries[entries.length - proxyHops];
  return candidate && isIP(candidate) ? candidate : undefined;
}

/** `clientAddressFrom` with this deployment's `TRUSTED_PROXY_HOPS`. */
export function clientAddress(headers: HeaderSource): string | undefined {
  return clientAddressFrom(headers, config().TRUSTED_PROXY_HOPS);
}
