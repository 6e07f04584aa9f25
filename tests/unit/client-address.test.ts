/**
 * The address the API's rate limits count for a sign-in. With no proxy in front, it is the
 * socket's, from the stamp instrumentation.ts installs: an `X-Forwarded-For` a client wrote
 * must not choose its own bucket. Behind proxies, the entry the nearest trusted proxy wrote.
 * Exercised through a real HTTP server, as a request reaches Next.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clientAddressFrom } from '@/lib/server/client-address';
import { stampPeerAddresses } from '@/lib/server/telemetry/peer-address';

let url: string;
let close: () => void;

/** The header record the server received for a request sent with `headers`. */
async function received(headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  const response = await fetch(url, { headers });
  return (await response.json()) as IncomingHttpHeaders;
}

beforeAll(async () => {
  await stampPeerAddresses();
  const server = createServer((req, res) => res.end(JSON.stringify(req.headers)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

test('no proxy in front: the socket address, whatever X-Forwarded-For claims', async () => {
  expect(clientAddressFrom(await received({}), 0)).toBe('127.0.0.1');
  const spoofed = await received({ 'x-forwarded-for': '203.0.113.7' });
  expect(clientAddressFrom(spoofed, 0)).toBe('127.0.0.1');
  expect(clientAddressFrom(new Headers(spoofed as Record<string, string>), 0)).toBe('127.0.0.1');
});

test('no proxy in front and no stamp (a header record a client wrote alone): no address', () => {
  expect(
    clientAddressFrom(
      { 'x-forwarded-for': '203.0.113.7', 'x-token-reissue-peer': '1 10.0.0.1' },
      0,
    ),
  ).toBeUndefined();
});

test('behind n proxies: the n-th entry from the right; what the client wrote further left is never used', async () => {
  const headers = await received({ 'x-forwarded-for': '198.51.100.1, 203.0.113.7, 10.0.0.2' });
  expect(clientAddressFrom(headers, 1)).toBe('10.0.0.2');
  expect(clientAddressFrom(headers, 2)).toBe('203.0.113.7');
  expect(clientAddressFrom({ 'x-forwarded-for': 'not-an-ip, 10.0.0.2' }, 2)).toBeUndefined();
  expect(clientAddressFrom({ 'x-forwarded-for': '10.0.0.2' }, 3)).toBeUndefined();
});
