import 'server-only';
import { isIP } from 'node:net';
import { config } from '@/lib/config';

/**
 * The browser's address, as the Next server can know it, for the API's rate limits. Next fills
 * `X-Forwarded-For` from the socket only when the request has none, and each reverse proxy in
 * front appends the address it saw. So with `TRUSTED_PROXY_HOPS` = n proxies in front, the
 * browser's address is the n-th entry from the right (the rightmost when n is 0); entries
 * further left were written by the client and are never used. Anything that is not an IP
 * address gives `undefined`, and the API then counts the Next server's own address.
 */
export function clientAddress(headers: Headers | Record<string, unknown>): string | undefined {
  const raw =
    headers instanceof Headers ? headers.get('x-forwarded-for') : headers['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (typeof value !== 'string' || value.length > 1024) return undefined;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = entries[entries.length - Math.max(1, config().TRUSTED_PROXY_HOPS)];
  return candidate && isIP(candidate) ? candidate : undefined;
}
