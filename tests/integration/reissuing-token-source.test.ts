import axios from 'axios';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '@/lib/auth/errors';
import { attachAuthInterceptors } from '@/lib/http/auth-interceptors';
import { reissuingTokenSource } from '@/lib/http/reissuing-token-source';

/**
 * The Next server has no actor: a token getter (the session cookie) and a reissue function plug
 * into the same interceptors. Here the cookie is never rewritten, as in a Server Component.
 */
const API = 'http://api.test';
const CURRENT_TOKEN = 'token-2';

const apiCalls = new Map<string, number>();
const server = setupServer(
  http.get(`${API}/posts/:id`, ({ request, params }) => {
    const id = String(params.id);
    apiCalls.set(id, (apiCalls.get(id) ?? 0) + 1);
    return request.headers.get('Authorization') === `Bearer ${CURRENT_TOKEN}`
      ? HttpResponse.json({ id })
      : HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => apiCalls.clear());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('reissuingTokenSource (server side) on the shared interceptors', () => {
  it('50 concurrent 401s for one session share one reissue', async () => {
    const reissue = vi.fn(async () => {
      await delay(20);
      return CURRENT_TOKEN;
    });
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, reissuingTokenSource({ getToken: () => 'token-1', reissue }));

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.get(`/posts/${i}`)),
    );

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(reissue).toHaveBeenCalledTimes(1);
    expect(reissue).toHaveBeenCalledWith('token-1', expect.any(AbortSignal));
  });

  it('a later request whose cookie still holds the replaced token uses the reissued one', async () => {
    const reissue = vi.fn(async () => CURRENT_TOKEN);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, reissuingTokenSource({ getToken: () => 'token-1', reissue }));
    await api.get('/posts/first');

    await api.get('/posts/later');

    expect(apiCalls.get('later')).toBe(1);
    expect(reissue).toHaveBeenCalledTimes(1);
  });

  it('a dead refresh token rejects with SessionExpiredError', async () => {
    const reissue = vi.fn(async () => {
      throw Object.assign(new Error('invalid_grant'), { code: 'SESSION_EXPIRED' });
    });
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, reissuingTokenSource({ getToken: () => 'token-1', reissue }));

    const results = await Promise.allSettled([api.get('/posts/1'), api.get('/posts/2')]);

    expect(results.map((r) => r.status === 'rejected' && r.reason)).toEqual([
      expect.any(SessionExpiredError),
      expect.any(SessionExpiredError),
    ]);
    expect(reissue).toHaveBeenCalledTimes(1);
  });

  it('a reissue slower than its timeout is aborted and rejects with ReissueUnavailableError', async () => {
    let aborted = false;
    const reissue = (_rejected: string, signal: AbortSignal) =>
      new Promise<string>(() => signal.addEventListener('abort', () => (aborted = true)));
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(
      api,
      reissuingTokenSource({ getToken: () => 'token-1', reissue, timeoutMs: 200 }),
    );
    const started = performance.now();

    const error = await api.get('/posts/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReissueUnavailableError);
    expect(aborted).toBe(true);
    expect(performance.now() - started).toBeLessThan(200 + 300);
  });

  it('a failed reissue is not remembered: the next 401 tries again', async () => {
    const reissue = vi
      .fn<(rejected: string) => Promise<string>>()
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockResolvedValueOnce(CURRENT_TOKEN);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, reissuingTokenSource({ getToken: () => 'token-1', reissue }));

    const first = await api.get('/posts/1').catch((e: unknown) => e);
    const second = await api.get('/posts/2');

    expect(first).toBeInstanceOf(ReissueUnavailableError);
    expect(second.status).toBe(200);
    expect(reissue).toHaveBeenCalledTimes(2);
  });

  it('rejects with NotSignedInError without calling the API when there is no token', async () => {
    const reissue = vi.fn(async () => CURRENT_TOKEN);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, reissuingTokenSource({ getToken: () => null, reissue }));

    const error = await api.get('/posts/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotSignedInError);
    expect(apiCalls.size).toBe(0);
    expect(reissue).not.toHaveBeenCalled();
  });
});
