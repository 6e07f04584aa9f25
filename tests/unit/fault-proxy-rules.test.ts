/**
 * The fault proxy's rules that a path of faults is made of: one that applies a given number of
 * times and then passes again (the model-based browser suite arms a whole run of retries with
 * one rule), a 503 that comes only after a while, as from a gateway that gave up, and when each
 * exchange ended (so a suite can wait until no call it started is still open).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

let reached = 0;
let target: Server;
let proxy: FaultProxy;

beforeAll(async () => {
  target = createServer((_req, res) => {
    reached += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => target.close(() => resolve()));
});
beforeEach(async () => {
  reached = 0;
  const { port } = target.address() as AddressInfo;
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${port}` });
});
afterEach(async () => {
  await proxy.stop();
});

const post = (path: string) => fetch(`${proxy.url}${path}`, { method: 'POST', body: '{}' });

describe('fault proxy rules', () => {
  it('a rule with `times` applies to that many matching requests, then everything passes', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'status', status: 503, times: 2 });

    expect((await post('/users/me')).status).toBe(200);
    expect((await post('/auth/reissue')).status).toBe(503);
    expect((await post('/auth/reissue')).status).toBe(503);
    expect((await post('/auth/reissue')).status).toBe(200);
    expect(reached).toBe(2);
  });

  it('setting a rule again starts its count again', async () => {
    proxy.setFault({ path: '/', mode: 'status', status: 503, times: 1 });
    expect((await post('/a')).status).toBe(503);
    proxy.setFault({ path: '/', mode: 'status', status: 502, times: 1 });
    expect((await post('/a')).status).toBe(502);
    expect((await post('/a')).status).toBe(200);
  });

  it('a status rule with `ms` answers only after that long, without reaching the API', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'status', status: 503, ms: 300 });
    const started = Date.now();

    const response = await post('/auth/reissue');

    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(reached).toBe(0);
  });

  it('records when each exchange ended, a held one when its caller gives up', async () => {
    expect((await post('/auth/reissue')).status).toBe(200);
    proxy.setFault({ path: '/auth/reissue', mode: 'drop' });
    const caller = new AbortController();
    const held = fetch(`${proxy.url}/auth/reissue`, {
      method: 'POST',
      body: '{}',
      signal: caller.signal,
    }).catch(() => 'aborted');
    await expect.poll(() => proxy.stats().requests.length).toBe(2);
    expect(proxy.stats().requests[1]!.endedAt).toBeUndefined();

    caller.abort();

    expect(await held).toBe('aborted');
    await expect.poll(() => proxy.stats().requests[1]!.endedAt).toBeTypeOf('number');
    expect(proxy.stats().requests[0]!.endedAt).toBeTypeOf('number');
  });
});
