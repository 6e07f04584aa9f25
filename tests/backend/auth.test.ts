import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '@/backend/seed';
import { bearer, postJson, reissue, startServer, uniqueEmail, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('signup', () => {
  it('creates an account and answers 201 with the token shape, uncached', async () => {
    const email = uniqueEmail('signup');
    const before = Date.now();

    const response = await postJson(`${server.url}/auth/signup`, {
      email,
      password: 'a long enough password',
      penName: 'New Writer',
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toEqual({
      accessToken: expect.any(String),
      accessTokenExpiresAt: expect.any(Number),
      refreshToken: expect.any(String),
      refreshTokenExpiresAt: expect.any(Number),
      user: { id: expect.any(String), email, penName: 'New Writer', fieldImage: null },
    });
    expect(body.accessTokenExpiresAt).toBeGreaterThanOrEqual(before + 60_000);
    // The JWT `exp` is in whole seconds, so the epoch may round up by under a second.
    expect(body.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 61_000);
    expect(body.refreshTokenExpiresAt).toBeGreaterThanOrEqual(before + 14 * 24 * 3600 * 1000);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an email that is already taken, ignoring case, with 409 email_taken', async () => {
    const email = uniqueEmail('taken');
    const first = await postJson(`${server.url}/auth/signup`, {
      email,
      password: 'password-1',
      penName: 'First',
    });
    expect(first.status).toBe(201);

    const second = await postJson(`${server.url}/auth/signup`, {
      email: email.toUpperCase(),
      password: 'password-2',
      penName: 'Second',
    });

    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: 'email_taken' });
  });
});

describe('login', () => {
  it('signs the seeded demo user in with its documented password', async () => {
    const response = await postJson(`${server.url}/auth/login`, {
      email: DEMO_USER.email,
      password: DEMO_USER.password,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body.user).toEqual({
      id: expect.any(String),
      email: 'demo@example.com',
      penName: 'Demo Writer',
      fieldImage: null,
    });
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const response = await postJson(`${server.url}/auth/login`, {
      email: '  Demo@Example.COM ',
      password: DEMO_USER.password,
    });

    expect(response.status).toBe(200);
  });

  it('answers 401 invalid_credentials for a wrong password and for an unknown email alike', async () => {
    const wrongPassword = await postJson(`${server.url}/auth/login`, {
      email: DEMO_USER.email,
      password: 'not-the-password',
    });
    const unknownEmail = await postJson(`${server.url}/auth/login`, {
      email: uniqueEmail('nobody'),
      password: DEMO_USER.password,
    });

    expect(wrongPassword.status).toBe(401);
    expect(await wrongPassword.json()).toEqual({ error: 'invalid_credentials' });
    expect(unknownEmail.status).toBe(401);
    expect(await unknownEmail.json()).toEqual({ error: 'invalid_credentials' });
  });

  it('starts a new family per login, so two logins hold independent refresh tokens', async () => {
    const credentials = { email: DEMO_USER.email, password: DEMO_USER.password };
    const first = await (await postJson(`${server.url}/auth/login`, credentials)).json();
    const second = await (await postJson(`${server.url}/auth/login`, credentials)).json();

    await postJson(`${server.url}/auth/logout`, { refreshToken: first.refreshToken });

    expect((await reissue(server, first.refreshToken)).status).toBe(401);
    expect((await reissue(server, second.refreshToken)).status).toBe(200);
  });
});

describe('users/me', () => {
  it('returns the caller for a valid Bearer token', async () => {
    const email = uniqueEmail('me');
    const signup = await (
      await postJson(`${server.url}/auth/signup`, {
        email,
        password: 'password-me',
        penName: 'Me Myself',
      })
    ).json();

    const response = await fetch(`${server.url}/users/me`, { headers: bearer(signup.accessToken) });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: signup.user.id,
      email,
      penName: 'Me Myself',
      fieldImage: null,
    });
  });

  it('answers 401 invalid_token with a WWW-Authenticate challenge when no token is sent', async () => {
    const response = await fetch(`${server.url}/users/me`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({ error: 'invalid_token' });
  });
});

describe('logout', () => {
  it('answers 204 and revokes the family: its refresh token can no longer reissue', async () => {
    const login = await (
      await postJson(`${server.url}/auth/login`, {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      })
    ).json();

    const response = await postJson(`${server.url}/auth/logout`, {
      refreshToken: login.refreshToken,
    });

    expect(response.status).toBe(204);
    const after = await reissue(server, login.refreshToken);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: 'invalid_grant' });
  });

  it('revokes the family even when given an already rotated token of it', async () => {
    const login = await (
      await postJson(`${server.url}/auth/login`, {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      })
    ).json();
    const rotated = await (await reissue(server, login.refreshToken)).json();

    await postJson(`${server.url}/auth/logout`, { refreshToken: login.refreshToken });

    expect((await reissue(server, rotated.refreshToken)).status).toBe(401);
  });

  it('answers 204 for an unknown refresh token too', async () => {
    const response = await postJson(`${server.url}/auth/logout`, { refreshToken: 'never-issued' });

    expect(response.status).toBe(204);
  });
});

describe('published keys', () => {
  it('verifies issued access tokens with the key at /.well-known/jwks.json', async () => {
    const login = await (
      await postJson(`${server.url}/auth/login`, {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      })
    ).json();
    const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();

    const { payload, protectedHeader } = await jwtVerify(
      login.accessToken,
      createLocalJWKSet(jwks),
      {
        algorithms: ['EdDSA'],
        issuer: 'token-reissue-api',
        audience: 'token-reissue-app',
      },
    );

    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: login.user.id, jti: expect.any(String) });
    expect(payload.exp! * 1000).toBe(login.accessTokenExpiresAt);
  });
});
