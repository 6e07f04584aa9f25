import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

// A tiny API: counts what reached it and echoes method, path and body.
let received: { method: string; path: string; body: string }[] = [];
let target: Server;
let targetUrl = '';
let proxy: FaultProxy;

beforeAll(async () => {
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ method: req.method, path: req.url, body }));
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => target.close(() => resolve()));
});
beforeEach(async () => {
  received = [];
  proxy = await startFaultProxy({ target: targetUrl });
});
afterEach(async () => {
  await proxy.stop();
});

const post = (path: string, body = '{"refreshToken":"r1"}', signal?: AbortSignal) =>
  fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal,
  });

describe('fault proxy', () => {
  it('passes requests through untouched without a rule', async () => {
    const response = await post('/auth/reissue');
    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.json()).toEqual({
      method: 'POST',
      path: '/auth/reissue',
      body: '{"refreshToken":"r1"}',
    });
    expect(received).toHaveLength(1);
    expect(proxy.stats().byMode.pass).toBe(1);
  });

  it('applies a rule only to its path prefix', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'status', status: 503 });
    expect((await post('/auth/reissue')).status).toBe(503);
    expect((await post('/auth/login')).status).toBe(201);
    expect(received.map((r) => r.path)).toEqual(['/auth/login']);
  });

  it('status answers without forwarding', async () => {
    proxy.setFault({ path: '/', mode: 'status', status: 502, body: 'nope' });
    const response = await post('/auth/reissue');
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('nope');
    expect(received).toHaveLength(0);
  });

  it('drop holds the connection, never answers and forwards nothing', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'drop' });
    const outcome = await post('/auth/reissue', undefined, AbortSignal.timeout(500)).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(received).toHaveLength(0);
    expect(proxy.stats().byMode.drop).toBe(1);
  });

  it('delay forwards only after the delay', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'delay', ms: 400 });
    const started = Date.now();
    const pending = post('/auth/reissue');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received).toHaveLength(0);
    expect((await pending).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(received).toHaveLength(1);
  });

  it('late forwards at once and holds the answer', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'late', ms: 400 });
    const started = Date.now();
    const pending = post('/auth/reissue');
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);
    const response = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(response.status).toBe(201);
    expect((await response.json()).path).toBe('/auth/reissue');
  });

  it('garbage forwards, then answers 200 with a body that is not JSON', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'garbage' });
    const response = await post('/auth/reissue');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(received).toHaveLength(1);
    expect(proxy.stats().requests[0]).toMatchObject({ mode: 'garbage', upstreamStatus: 201 });
  });

  it('resetAfterCommit lets the API finish, then the caller sees a network error', async () => {
    proxy.setFault({ path: '/auth/reissue', mode: 'resetAfterCommit' });
    const outcome = await post('/auth/reissue').then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TypeError'); // fetch failed: socket closed without an answer
    expect(received).toEqual([
      { method: 'POST', path: '/auth/reissue', body: '{"refreshToken":"r1"}' },
    ]);
    expect(proxy.stats().requests[0]).toMatchObject({
      mode: 'resetAfterCommit',
      upstreamStatus: 201,
    });
  });

  it('a rule with durationMs clears itself', async () => {
    proxy.setFault({ path: '/', mode: 'status', status: 503, durationMs: 300 });
    expect((await post('/auth/reissue')).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await post('/auth/reissue')).status).toBe(201);
    expect(proxy.stats().byMode).toMatchObject({ status: 1, pass: 1 });
  });

  it('setFault(null) passes everything again', async () => {
    proxy.setFault({ path: '/', mode: 'status', status: 503 });
    proxy.setFault(null);
    expect((await post('/x')).status).toBe(201);
  });

  it('answers 502 when the API is unreachable', async () => {
    const orphan = await startFaultProxy({ target: 'http://127.0.0.1:1' });
    try {
      const response = await fetch(`${orphan.url}/healthz`);
      expect(response.status).toBe(502);
    } finally {
      await orphan.stop();
    }
  });

  it('stop closes held connections', async () => {
    proxy.setFault({ path: '/', mode: 'drop' });
    const pending = post('/auth/reissue').then(
      () => 'answered',
      () => 'closed',
    );
    await expect.poll(() => proxy.stats().requests.length, { timeout: 5_000 }).toBe(1);
    await proxy.stop();
    expect(await pending).toBe('closed');
    proxy = await startFaultProxy({ target: targetUrl }); // for afterEach
  });
});
