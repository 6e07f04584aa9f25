/**
 * Who may read /api/metrics. With a token: only its bearer. Without: only a scraper whose socket
 * is loopback, which a route handler learns from the peer stamp instrumentation.ts installs; a
 * header a client wrote (X-Forwarded-For, or the stamp's own header) decides nothing by itself.
 * The stamp is exercised through a real HTTP server.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mayReadMetrics } from '@/lib/server/metrics/endpoint';
import { isLoopback, stampPeerAddresses } from '@/lib/server/telemetry/peer-address';

const TOKEN = 'a-metrics-token-of-32-characters';
let url: string;
let close: () => void;

/** The headers the server received for a request sent with `headers`, as a route sees them. */
async function received(headers: Record<string, string>): Promise<Headers> {
  const response = await fetch(url, { headers });
  const raw = (await response.json()) as IncomingHttpHeaders;
  const seen = new Headers();
  for (const [name, value] of Object.entries(raw))
    if (typeof value === 'string') seen.set(name, value);
  return seen;
}

beforeAll(async () => {
  await stampPeerAddresses();
  const server = createServer((req, res) => res.end(JSON.stringify(req.headers)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

test('with METRICS_TOKEN: its bearer reads, a wrong or missing one does not, loopback alone does not', async () => {
  const access = { token: TOKEN, proxyHops: 0 };
  expect(mayReadMetrics(await received({ authorization: `Bearer ${TOKEN}` }), access)).toBe(true);
  expect(mayReadMetrics(await received({ authorization: `Bearer ${TOKEN}x` }), access)).toBe(false);
  expect(mayReadMetrics(await received({ authorization: TOKEN }), access)).toBe(false);
  expect(mayReadMetrics(await received({}), access)).toBe(false);
});

test('without a token: a loopback socket reads, whatever X-Forwarded-For claims', async () => {
  const access = { proxyHops: 0 };
  expect(mayReadMetrics(await received({}), access)).toBe(true);
  expect(mayReadMetrics(await received({ 'x-forwarded-for': '203.0.113.7' }), access)).toBe(true);
});

test('without a token: headers a client wrote, with no stamp from the socket, never read', () => {
  const forged = new Headers({
    'x-forwarded-for': '127.0.0.1',
    'x-token-reissue-peer': '127.0.0.1',
  });
  expect(mayReadMetrics(forged, { proxyHops: 0 })).toBe(false);
  expect(mayReadMetrics(forged, { proxyHops: 1 })).toBe(false);
});

test('the stamp overwrites a client-sent one: a guessed peer header is replaced by the socket', async () => {
  const seen = await received({ 'x-token-reissue-peer': 'guess 203.0.113.7' });
  expect(seen.get('x-token-reissue-peer')).toMatch(/^[0-9a-f]{32} (::ffff:)?127\.0\.0\.1$/);
});

test('behind trusted proxies: the address they forwarded decides', async () => {
  const access = { proxyHops: 1 };
  expect(mayReadMetrics(await received({ 'x-forwarded-for': '203.0.113.7' }), access)).toBe(false);
  expect(mayReadMetrics(await received({ 'x-forwarded-for': '127.0.0.1' }), access)).toBe(true);
});

test('loopback means 127.0.0.0/8, ::1 and mapped IPv4 loopback only', () => {
  for (const address of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1']) {
    expect(isLoopback(address), address).toBe(true);
  }
  for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '128.0.0.1']) {
    expect(isLoopback(address), address).toBe(false);
  }
});
