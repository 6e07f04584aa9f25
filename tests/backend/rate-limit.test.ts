import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_USER } from '@/backend/seed';
import { metric, postJson, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ LOGIN_RATE_LIMIT_PER_MINUTE: 3 });
});
afterAll(async () => {
  await server.close();
});

const login = (email: string, password: string) =>
  postJson(`${server.url}/auth/login`, { email, password });

it('answers 429 JSON once an address exceeds the per-minute login limit for one email', async () => {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    expect((await login(DEMO_USER.email, `wrong-${attempt}`)).status).toBe(401);
  }

  const limited = await login(DEMO_USER.email, DEMO_USER.password);

  expect(limited.status).toBe(429);
  expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await limited.json()).toEqual({ error: 'too_many_requests', message: expect.any(String) });
  expect(await metric(server, 'auth_login_total', { outcome: 'rate_limited' })).toBe(1);
  expect(await metric(server, 'auth_login_total', { outcome: 'invalid_credentials' })).toBe(3);
});

it('counts each email separately, so one limited email does not lock out another', async () => {
  const other = await login('someone-else@example.com', 'whatever-password');

  expect(other.status).toBe(401);
});

it('counts the email case- and space-insensitively', async () => {
  const limited = await login('  DEMO@example.com', DEMO_USER.password);

  expect(limited.status).toBe(429);
});
