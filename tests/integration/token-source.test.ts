import axios from 'axios';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  NotSignedInError,
  ReissueUnavailableError,
  RequestRefusedError,
  SessionExpiredError,
} from '@/lib/core/errors';
import { attachAuthInterceptors, type TokenSource } from '@/lib/core/http/interceptors';

/**
 * The Next server has no actor: `lib/server/http.ts` plugs the session cookie and the server's
 * reissue into the same interceptors as a plain TokenSource. These tests pin what any such
 * source can rely on.
 */
const API = 'http://api.test';
const CURRENT_TOKEN = 'token-2';

const apiCalls = new Map<string, number>();
const server = setupServer(
  http.post(`${API}/posts/:id`, async ({ request, params }) => {
    const id = String(params.id);
    apiCalls.set(id, (apiCalls.get(id) ?? 0) + 1);
    return request.headers.get('Authorization') === `Bearer ${CURRENT_TOKEN}`
      ? HttpResponse.json({ id, body: await request.json() })
      : HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => apiCalls.clear());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('a plain TokenSource on the shared interceptors', () => {
  it('renews the token the failed request carried and retries once with the body intact', async () => {
    const source: TokenSource = {
      isRenewing: () => false,
      acquire: async () => 'token-1',
      renew: vi.fn(async () => CURRENT_TOKEN),
    };
    const api = axios.create({ baseURL: API });
    const { traffic } = attachAuthInterceptors(api, source);

    const response = await api.post('/posts/1', { title: 'Hello' });

    expect(response.data).toEqual({ id: '1', body: { title: 'Hello' } });
    expect(source.renew).toHaveBeenCalledExactlyOnceWith('token-1', { afterRenewal: false });
    expect(apiCalls.get('1')).toBe(2);
    expect(traffic.getSnapshot()).toEqual({ waiting: 0, retried: 1, failed: 0, coalesced: 0 });
  });

  it("passes the source's typed error through unchanged", async () => {
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => 'token-1',
      renew: async () => {
        throw new SessionExpiredError();
      },
    });

    const error = await api.post('/posts/1', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SessionExpiredError);
  });

  it('a 401 on the retry asks the source once more, saying it is the second; the token it gives then succeeds', async () => {
    const renew = vi
      .fn<TokenSource['renew']>()
      .mockResolvedValueOnce('token-also-rejected')
      .mockResolvedValueOnce(CURRENT_TOKEN);
    const api = axios.create({ baseURL: API });
    const { traffic } = attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => 'token-1',
      renew,
    });

    const response = await api.post('/posts/1', { title: 'Hello' });

    expect(response.data).toEqual({ id: '1', body: { title: 'Hello' } });
    expect(renew.mock.calls).toEqual([
      ['token-1', { afterRenewal: false }],
      ['token-also-rejected', { afterRenewal: true }],
    ]);
    expect(apiCalls.get('1')).toBe(3);
    expect(traffic.getSnapshot()).toEqual({ waiting: 0, retried: 2, failed: 0, coalesced: 0 });
  });

  it('the second 401 means "session ended" only when the source says so', async () => {
    const renew = vi
      .fn<TokenSource['renew']>()
      .mockResolvedValueOnce('token-also-refused')
      .mockRejectedValueOnce(new SessionExpiredError());
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, { isRenewing: () => false, acquire: async () => 'token-1', renew });

    const error = await api.post('/posts/1', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('at most two retries: a third 401 fails as refused, never as session ended, and asks nothing more', async () => {
    const source: TokenSource = {
      isRenewing: () => false,
      acquire: async () => 'token-1',
      renew: vi.fn(async (rejected: string) => `${rejected}+`),
    };
    const api = axios.create({ baseURL: API });
    const { traffic } = attachAuthInterceptors(api, source);

    const error = await api.post('/posts/1', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestRefusedError);
    expect(error).not.toBeInstanceOf(SessionExpiredError);
    expect(source.renew).toHaveBeenCalledTimes(2);
    expect(apiCalls.get('1')).toBe(3);
    expect(traffic.getSnapshot()).toEqual({ waiting: 0, retried: 2, failed: 1, coalesced: 0 });
  });

  it('counts requests waiting on a renewing source', async () => {
    let finishReissue!: () => void;
    const reissued = new Promise<void>((resolve) => (finishReissue = resolve));
    const api = axios.create({ baseURL: API });
    const { traffic } = attachAuthInterceptors(api, {
      isRenewing: () => true,
      acquire: async () => {
        await reissued;
        return CURRENT_TOKEN;
      },
      renew: async () => CURRENT_TOKEN,
    });
    const seen: number[] = [];
    traffic.subscribe(() => seen.push(traffic.getSnapshot().waiting));

    const pending = Promise.all([api.post('/posts/1', {}), api.post('/posts/2', {})]);
    await vi.waitFor(() => expect(traffic.getSnapshot().waiting).toBe(2));
    finishReissue();
    await pending;

    expect(seen).toEqual([1, 2, 1, 0]);
    expect(apiCalls.get('1')).toBe(1);
  });

  it.each([
    ['NotSignedInError', new NotSignedInError()],
    ['ReissueUnavailableError', new ReissueUnavailableError()],
  ])('a source that cannot give a token (%s) sends nothing', async (_, failure) => {
    const api = axios.create({ baseURL: API });
    const { traffic } = attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => {
        throw failure;
      },
      renew: async () => CURRENT_TOKEN,
    });

    const error = await api.post('/posts/1', {}).catch((e: unknown) => e);

    expect(error).toBe(failure);
    expect(apiCalls.size).toBe(0);
    expect(traffic.getSnapshot().failed).toBe(1);
  });
});
