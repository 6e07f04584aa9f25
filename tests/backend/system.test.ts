import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ CORS_ORIGINS: 'http://localhost:3000' });
});
afterAll(async () => {
  await server.close();
});

describe('system routes', () => {
  it('answers GET /healthz with status ok', async () => {
    const response = await fetch(`${server.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown routes with 404 not_found JSON', async () => {
    const response = await fetch(`${server.url}/nope`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });

  it('publishes exactly one public Ed25519 key without its private part', async () => {
    const { keys } = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();

    expect(keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: expect.any(String),
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
  });
});

describe('CORS', () => {
  it('allows a configured origin to preflight Bearer requests that carry a trace', async () => {
    const response = await fetch(`${server.url}/posts`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,traceparent,tracestate',
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const list = (name: string) =>
      (response.headers.get(name) ?? '').split(',').map((value) => value.trim().toLowerCase());
    expect(list('access-control-allow-headers')).toEqual([
      'authorization',
      'content-type',
      'traceparent',
      'tracestate',
      'dpop',
    ]);
    expect(list('access-control-allow-methods')).toEqual(['get', 'post', 'delete']);
  });

  it('does not allow an origin that is not configured', async () => {
    const response = await fetch(`${server.url}/healthz`, {
      headers: { origin: 'https://evil.example' },
    });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
