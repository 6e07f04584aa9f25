import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReferenceBackend } from '@/lib/auth/backends/reference';

const API = 'http://reference.test';
const backend = createReferenceBackend({ baseUrl: API, timeoutMs: 300 });
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const pair = {
  accessToken: 'access-2',
  accessTokenExpiresAt: 1_900_000_000_000,
  refreshToken: 'refresh-2',
  refreshTokenExpiresAt: 1_910_000_000_000,
  user,
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

function answerReissue(response: () => Response | Promise<Response>) {
  server.use(http.post(`${API}/auth/reissue`, response));
}

describe('reference adapter', () => {
  it('login posts email and password and returns the pair exactly as the API sent it', async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/auth/login`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(pair);
      }),
    );
    expect(await backend.login('ann@example.com', 'pw')).toEqual({ ok: true, value: pair });
    expect(body).toEqual({ email: 'ann@example.com', password: 'pw' });
  });

  it('login forwards the browser address from the request context', async () => {
    let forwarded: string | null = null;
    server.use(
      http.post(`${API}/auth/login`, ({ request }) => {
        forwarded = request.headers.get('x-forwarded-for');
        return HttpResponse.json(pair);
      }),
    );
    await backend.login('ann@example.com', 'pw', { clientAddress: '203.0.113.9' });
    expect(forwarded).toBe('203.0.113.9');
  });

  it('a refused login is "rejected" with the status and the API error code', async () => {
    server.use(
      http.post(`${API}/auth/login`, () =>
        HttpResponse.json({ error: 'rate_limited' }, { status: 429 }),
      ),
    );
    expect(await backend.login('ann@example.com', 'pw')).toEqual({
      ok: false,
      failure: { kind: 'rejected', status: 429, error: 'rate_limited' },
    });
  });

  it('reissue sends the refresh token in the body and returns the new pair', async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/auth/reissue`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(pair);
      }),
    );
    expect(await backend.reissue('refresh-1')).toEqual({ ok: true, tokens: pair });
    expect(body).toEqual({ refreshToken: 'refresh-1' });
  });

  it.each([400, 401, 403])(
    'reissue answered %i means the refresh token is dead',
    async (status) => {
      answerReissue(() => HttpResponse.json({ error: 'invalid_grant' }, { status }));
      expect(await backend.reissue('refresh-1')).toEqual({
        ok: false,
        code: 'SESSION_EXPIRED',
        reason: 'invalid_grant',
      });
    },
  );

  it.each([429, 500, 503])('reissue answered %i is transient', async (status) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    answerReissue(() => HttpResponse.json({ error: 'busy' }, { status }));
    const outcome = await backend.reissue('refresh-1');
    expect(outcome).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
  });

  it('a network error during reissue is transient', async () => {
    answerReissue(() => HttpResponse.error());
    expect(await backend.reissue('refresh-1')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
    });
  });

  it('an API slower than the timeout is a transient "timeout", answered within the bound', async () => {
    server.use(
      http.post(`${API}/auth/login`, async () => {
        await delay(10_000);
        return HttpResponse.json(pair);
      }),
    );
    const started = Date.now();
    const result = await backend.login('ann@example.com', 'pw');
    // Well under the 10 s answer: the 300 ms timeout ended the call, not the reply.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'unavailable', cause: 'timeout' } });
  });

  it('a 200 missing an expiry is a logged validation error naming the field, and transient', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { accessTokenExpiresAt: _, ...withoutExpiry } = pair;
    answerReissue(() => HttpResponse.json(withoutExpiry));
    const outcome = await backend.reissue('refresh-1');
    expect(outcome).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect(!outcome.ok && outcome.reason).toMatch(
      /malformed \/auth\/reissue response: accessTokenExpiresAt/,
    );
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('accessTokenExpiresAt'));
  });

  it('a 200 that is not JSON is a logged validation error, never a throw', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.use(http.post(`${API}/auth/login`, () => HttpResponse.text('<html>oops</html>')));
    const result = await backend.login('ann@example.com', 'pw');
    expect(result).toEqual({
      ok: false,
      failure: {
        kind: 'unavailable',
        cause: 'malformed',
        reason: 'malformed /auth/login response: not JSON',
      },
    });
    expect(logged).toHaveBeenCalledOnce();
  });

  it('loadUser reads /users/me with the bearer token', async () => {
    server.use(
      http.get(`${API}/users/me`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer access-2'
          ? HttpResponse.json(user)
          : HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
      ),
    );
    expect(await backend.loadUser('access-2')).toEqual({ ok: true, value: user });
    expect(await backend.loadUser('other')).toMatchObject({
      ok: false,
      failure: { kind: 'rejected', status: 401, error: 'invalid_token' },
    });
  });

  it('logout posts the refresh token and survives an unreachable API', async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/auth/logout`, async ({ request }) => {
        body = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await backend.logout('refresh-1');
    expect(body).toEqual({ refreshToken: 'refresh-1' });

    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    server.use(http.post(`${API}/auth/logout`, () => HttpResponse.error()));
    await expect(backend.logout('refresh-1')).resolves.toBeUndefined();
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('logout call failed'));
  });
});
