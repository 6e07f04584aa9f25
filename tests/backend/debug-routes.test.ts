import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '@/backend/seed';
import {
  bearer,
  postJson,
  reissue,
  signUp,
  startServer,
  uniqueEmail,
  type TestServer,
} from './harness';

describe('debug routes when ENABLE_DEBUG_ROUTES is on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ENABLE_DEBUG_ROUTES: '1' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET /debug lists the debug routes it serves, for the panel to know which controls work', async () => {
    const response = await fetch(`${server.url}/debug`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      routes: ['expire-access-token', 'revoke-sessions', 'refuses-every-token'],
    });
  });

  it('expire-access-token makes the presented access token fail with a real 401 while a newer one works', async () => {
    const login = await signUp(server, 'expire');

    const response = await fetch(`${server.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: bearer(login.accessToken),
    });

    expect(response.status).toBe(204);
    const rejected = await fetch(`${server.url}/users/me`, { headers: bearer(login.accessToken) });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toEqual({ error: 'invalid_token' });
    const reissued = await (await reissue(server, login.refreshToken)).json();
    expect(
      (await fetch(`${server.url}/users/me`, { headers: bearer(reissued.accessToken) })).status,
    ).toBe(200);
  });

  it('expire-access-token accepts a JSON content type with an empty body', async () => {
    const login = await signUp(server, 'expire-json');

    const response = await fetch(`${server.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { ...bearer(login.accessToken), 'content-type': 'application/json' },
    });

    expect(response.status).toBe(204);
  });

  it('expire-access-token requires a valid Bearer token', async () => {
    const response = await fetch(`${server.url}/debug/expire-access-token`, { method: 'POST' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token' });
  });

  it('refuses-every-token answers 401 invalid_token to a valid token, which other routes still accept', async () => {
    const login = await signUp(server, 'refused');

    const refused = await fetch(`${server.url}/debug/refuses-every-token`, {
      headers: bearer(login.accessToken),
    });

    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'invalid_token' });
    expect(
      (await fetch(`${server.url}/users/me`, { headers: bearer(login.accessToken) })).status,
    ).toBe(200);
  });

  it('revoke-sessions revokes every family of the user, so none of their refresh tokens reissue', async () => {
    const email = uniqueEmail('revoke');
    const signup = await (
      await postJson(`${server.url}/auth/signup`, {
        email,
        password: 'password-r',
        penName: 'Revoked',
      })
    ).json();
    const login = await (
      await postJson(`${server.url}/auth/login`, { email, password: 'password-r' })
    ).json();
    const other = await signUp(server, 'bystander');

    const response = await postJson(`${server.url}/debug/revoke-sessions`, { email });

    expect(response.status).toBe(204);
    expect((await reissue(server, signup.refreshToken)).status).toBe(401);
    expect((await reissue(server, login.refreshToken)).status).toBe(401);
    expect((await reissue(server, other.refreshToken)).status).toBe(200);
  });

  it('revoke-sessions answers 204 for an unknown email and 400 without one', async () => {
    const unknown = await postJson(`${server.url}/debug/revoke-sessions`, {
      email: uniqueEmail('unknown'),
    });
    const missing = await postJson(`${server.url}/debug/revoke-sessions`, {});

    expect(unknown.status).toBe(204);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('debug routes when ENABLE_DEBUG_ROUTES is off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ENABLE_DEBUG_ROUTES: '0' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('does not register them: GET /debug and every route answer 404 and nothing is revoked', async () => {
    const login = await postJson(`${server.url}/auth/login`, {
      email: DEMO_USER.email,
      password: DEMO_USER.password,
    });
    const { accessToken, refreshToken } = await login.json();

    const expire = await fetch(`${server.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: bearer(accessToken),
    });
    const revoke = await postJson(`${server.url}/debug/revoke-sessions`, {
      email: DEMO_USER.email,
    });

    const refuses = await fetch(`${server.url}/debug/refuses-every-token`, {
      headers: bearer(accessToken),
    });

    expect((await fetch(`${server.url}/debug`)).status).toBe(404);
    expect(expire.status).toBe(404);
    expect(revoke.status).toBe(404);
    expect(refuses.status).toBe(404);
    expect(await revoke.json()).toEqual({ error: 'not_found' });
    expect((await fetch(`${server.url}/users/me`, { headers: bearer(accessToken) })).status).toBe(
      200,
    );
    expect((await reissue(server, refreshToken)).status).toBe(200);
  });
});
