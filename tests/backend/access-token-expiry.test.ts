import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, signUp, sleep, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ ACCESS_TOKEN_TTL: 1 });
});
afterAll(async () => {
  await server.close();
});

it('accepts an access token until accessTokenExpiresAt, then answers 401 invalid_token', async () => {
  const login = await signUp(server, 'short-lived');

  const fresh = await fetch(`${server.url}/posts`, { headers: bearer(login.accessToken) });
  expect(fresh.status).toBe(200);
  expect(login.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(2_000);

  await sleep(login.accessTokenExpiresAt - Date.now() + 50);
  const expired = await fetch(`${server.url}/posts`, { headers: bearer(login.accessToken) });

  expect(expired.status).toBe(401);
  expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(await expired.json()).toEqual({ error: 'invalid_token' });
});
