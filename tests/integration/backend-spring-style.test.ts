import { SignJWT } from 'jose';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSpringStyleBackend } from '@/lib/auth/backends/spring-style';

const API = 'http://spring.test';
const backend = createSpringStyleBackend({ baseUrl: API, timeoutMs: 300 });
const key = new TextEncoder().encode('a test key that only signs, the adapter never verifies');
const ACCESS_EXP = 1_900_000_000; // epoch seconds
const REFRESH_EXP = 1_910_000_000;

async function jwt(exp?: number): Promise<string> {
  const token = new SignJWT({ sub: '7' }).setProtectedHeader({ alg: 'HS256' });
  return (exp === undefined ? token : token.setExpirationTime(exp)).sign(key);
}

const me = { id: 7, email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const mapped = { id: '7', email: 'ann@example.com', penName: 'Ann', fieldImage: null };

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

/** /users/me answering `body` to the bearer `token` only. */
function usersMe(token: string, body: JsonBodyType = me) {
  return http.get(`${API}/users/me`, ({ request }) =>
    request.headers.get('authorization') === `Bearer ${token}`
      ? HttpResponse.json(body)
      : HttpResponse.json({ status: 401 }, { status: 401 }),
  );
}

describe('spring-style adapter', () => {
  it('login unwraps { data }, takes both expiries from the JWTs and the user from /users/me', async () => {
    const accessToken = await jwt(ACCESS_EXP);
    const refreshToken = await jwt(REFRESH_EXP);
    server.use(
      http.post(`${API}/api/auth/login`, () =>
        HttpResponse.json({ data: { accessToken, refreshToken } }),
      ),
      usersMe(accessToken),
    );
    expect(await backend.login('ann@example.com', 'pw')).toEqual({
      ok: true,
      value: {
        accessToken,
        accessTokenExpiresAt: ACCESS_EXP * 1000,
        refreshToken,
        refreshTokenExpiresAt: REFRESH_EXP * 1000,
        user: mapped,
      },
    });
  });

  it('an unwrapped answer with expiresIn uses it; an opaque refresh token gets the session lifetime', async () => {
    const accessToken = await jwt(ACCESS_EXP);
    server.use(
      http.post(`${API}/api/auth/login`, () =>
        HttpResponse.json({ accessToken, refreshToken: 'opaque-refresh', expiresIn: 120 }),
      ),
      usersMe(accessToken, { data: { id: 'abc', email: 'b@example.com', nickname: 'Bee' } }),
    );
    const before = Date.now();
    const result = await backend.login('b@example.com', 'pw');
    if (!result.ok) throw new Error(JSON.stringify(result.failure));
    expect(result.value.accessTokenExpiresAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(result.value.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(result.value.refreshTokenExpiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(result.value.user).toEqual({
      id: 'abc',
      email: 'b@example.com',
      penName: 'Bee',
      fieldImage: null,
    });
  });

  it('reissue sends the refresh token in the Authorization-Refresh header and no body', async () => {
    const accessToken = await jwt(ACCESS_EXP);
    const refreshToken = await jwt(REFRESH_EXP);
    let header: string | null = null;
    let body = '';
    server.use(
      http.post(`${API}/api/auth/reissue`, async ({ request }) => {
        header = request.headers.get('authorization-refresh');
        body = await request.text();
        return HttpResponse.json({ data: { accessToken, refreshToken } });
      }),
      usersMe(accessToken),
    );
    const outcome = await backend.reissue('old-refresh');
    expect(outcome).toMatchObject({
      ok: true,
      tokens: { accessToken, refreshToken, user: mapped },
    });
    expect(header).toBe('Bearer old-refresh');
    expect(body).toBe('');
  });

  it.each([400, 401, 403])(
    'reissue answered %i means the refresh token is dead',
    async (status) => {
      server.use(
        http.post(`${API}/api/auth/reissue`, () =>
          HttpResponse.json({ status, message: 'Refresh token reused' }, { status }),
        ),
      );
      expect(await backend.reissue('old-refresh')).toEqual({
        ok: false,
        code: 'SESSION_EXPIRED',
        reason: 'Refresh token reused',
      });
    },
  );

  it.each([429, 500, 502])('reissue answered %i is transient', async (status) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    server.use(http.post(`${API}/api/auth/reissue`, () => new HttpResponse(null, { status })));
    expect(await backend.reissue('old-refresh')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
    });
  });

  it('an access token without exp and no expiresIn is a logged validation error, not a guess', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.use(
      http.post(`${API}/api/auth/reissue`, async () =>
        HttpResponse.json({ accessToken: await jwt(), refreshToken: 'r' }),
      ),
    );
    const outcome = await backend.reissue('old-refresh');
    expect(outcome).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect(!outcome.ok && outcome.reason).toMatch(/no exp claim/);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('no exp claim'));
  });

  it('an answer of an unknown shape is a logged validation error naming the missing field', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.use(
      http.post(`${API}/api/auth/reissue`, () => HttpResponse.json({ data: { token: 'x' } })),
    );
    const outcome = await backend.reissue('old-refresh');
    expect(outcome).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect(!outcome.ok && outcome.reason).toMatch(
      /malformed \/api\/auth\/reissue response: accessToken/,
    );
    expect(logged).toHaveBeenCalledOnce();
  });

  it('a /users/me answer of an unknown shape fails the reissue as transient, never a crash', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const accessToken = await jwt(ACCESS_EXP);
    server.use(
      http.post(`${API}/api/auth/reissue`, () =>
        HttpResponse.json({ accessToken, refreshToken: 'r' }),
      ),
      usersMe(accessToken, { name: 'no id, no email' }),
    );
    const outcome = await backend.reissue('old-refresh');
    expect(outcome).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect(!outcome.ok && outcome.reason).toMatch(
      /\/users\/me after \/api\/auth\/reissue failed: malformed/,
    );
  });

  it('a /users/me that fails once for a transient reason is asked again, so the rotated pair is kept', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const accessToken = await jwt(ACCESS_EXP);
    let calls = 0;
    server.use(
      http.post(`${API}/api/auth/reissue`, () =>
        HttpResponse.json({ accessToken, refreshToken: 'r' }),
      ),
      http.get(`${API}/users/me`, () => {
        calls += 1;
        return calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json(me);
      }),
    );
    expect(await backend.reissue('old-refresh')).toMatchObject({
      ok: true,
      tokens: { user: mapped },
    });
    expect(calls).toBe(2);
  });

  it('a refused login keeps the status and the Spring message as the error', async () => {
    server.use(
      http.post(`${API}/api/auth/login`, () =>
        HttpResponse.json({ status: 401, message: 'Bad credentials' }, { status: 401 }),
      ),
    );
    expect(await backend.login('ann@example.com', 'nope')).toEqual({
      ok: false,
      failure: { kind: 'rejected', status: 401, error: 'Bad credentials' },
    });
  });

  it('signUp creates the account, then signs in with the same credentials', async () => {
    const accessToken = await jwt(ACCESS_EXP);
    const calls: string[] = [];
    server.use(
      http.post(`${API}/api/auth/signup`, async ({ request }) => {
        calls.push(`signup ${JSON.stringify(await request.json())}`);
        return HttpResponse.json({ data: { id: 7, email: me.email } }, { status: 201 });
      }),
      http.post(`${API}/api/auth/login`, async ({ request }) => {
        calls.push(`login ${JSON.stringify(await request.json())}`);
        return HttpResponse.json({ data: { accessToken, refreshToken: await jwt(REFRESH_EXP) } });
      }),
      usersMe(accessToken),
    );
    const result = await backend.signUp!({
      email: me.email,
      password: 'password1',
      penName: 'Ann',
    });
    expect(result).toMatchObject({ ok: true, value: { user: mapped } });
    expect(calls).toEqual([
      'signup {"email":"ann@example.com","password":"password1","penName":"Ann"}',
      'login {"email":"ann@example.com","password":"password1"}',
    ]);
  });

  it('signUp with a taken email is "rejected" 409 and does not sign in', async () => {
    server.use(
      http.post(`${API}/api/auth/signup`, () =>
        HttpResponse.json({ status: 409, message: 'Email already registered' }, { status: 409 }),
      ),
    );
    expect(
      await backend.signUp!({ email: me.email, password: 'password1', penName: 'Ann' }),
    ).toEqual({
      ok: false,
      failure: { kind: 'rejected', status: 409, error: 'Email already registered' },
    });
  });

  it('logout sends the refresh token in the header', async () => {
    let header: string | null = null;
    server.use(
      http.post(`${API}/api/auth/logout`, ({ request }) => {
        header = request.headers.get('authorization-refresh');
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await backend.logout('old-refresh');
    expect(header).toBe('Bearer old-refresh');
  });
});
