import axios, { AxiosError, CanceledError } from 'axios';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestRefusedError } from '@/lib/core/errors';
import {
  attachAuthInterceptors,
  MAX_AUTH_RETRIES,
  MAX_EXPIRED_RETRIES,
  type TokenSource,
} from '@/lib/core/http/interceptors';

/**
 * The interceptors' two answers to a burst longer than a token lives: requests wait in the page
 * (`maxInFlight`) and take their token as they leave, and a 401 for a token that ran out on its
 * way does not use up the retry budget. The API is msw at the network edge.
 */
const API = 'http://api.test';

let inFlight = 0;
let mostInFlight = 0;
const seenTokens: string[] = [];
/** Tokens the API takes; anything else gets a 401. */
let accepted = new Set<string>();

const server = setupServer(
  http.get(`${API}/items/:id`, async ({ request }) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const token = request.headers.get('Authorization')?.replace('Bearer ', '') ?? '';
    seenTokens.push(token);
    await delay(20);
    inFlight -= 1;
    return accepted.has(token)
      ? HttpResponse.json({ token })
      : HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  inFlight = 0;
  mostInFlight = 0;
  seenTokens.length = 0;
  accepted = new Set();
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('maxInFlight', () => {
  it('keeps at most N requests on the wire; the queued ones take the token current when they leave', async () => {
    let current = 'token-1';
    accepted = new Set(['token-1', 'token-2']);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    server.use(
      http.get(`${API}/held/:id`, async ({ request }) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        seenTokens.push(request.headers.get('Authorization')?.replace('Bearer ', '') ?? '');
        await gate;
        inFlight -= 1;
        return HttpResponse.json({ ok: true });
      }),
    );
    const source: TokenSource = {
      isRenewing: () => false,
      peek: () => current,
      acquire: async () => current,
      renew: async () => current,
    };
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, source, { maxInFlight: 3 });

    const burst = Promise.all(Array.from({ length: 12 }, (_, i) => api.get(`/held/${i}`)));
    // The first three left with token-1 and are held; the token changes while the rest wait.
    await vi.waitFor(() => expect(seenTokens).toHaveLength(3));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seenTokens).toHaveLength(3);
    current = 'token-2';
    open();
    const responses = await burst;

    expect(mostInFlight).toBe(3);
    expect(seenTokens.slice(0, 3)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(seenTokens.slice(3)).toEqual(Array(9).fill('token-2'));
    expect(responses.map((r) => r.config.bearerToken).sort()).toEqual([...seenTokens].sort());
  });

  it('a request that waits longer than its own timeout for a slot fails as a timeout, and gives nothing back twice', async () => {
    accepted = new Set(['token-1']);
    server.use(
      http.get(`${API}/slow/:id`, async () => {
        await delay(300);
        return HttpResponse.json({ ok: true });
      }),
    );
    const api = axios.create({ baseURL: API, timeout: 100 });
    attachAuthInterceptors(
      api,
      {
        isRenewing: () => false,
        peek: () => 'token-1',
        acquire: async () => 'token-1',
        renew: async () => 'token-1',
      },
      { maxInFlight: 1 },
    );

    const [first, second] = await Promise.allSettled([api.get('/slow/1'), api.get('/slow/2')]);

    // The first times out on the wire (axios' own), the second while it waited for the slot.
    expect(first.status === 'rejected' && (first.reason as AxiosError).code).toBe('ECONNABORTED');
    expect(second.status === 'rejected' && (second.reason as AxiosError).message).toMatch(
      /while waiting to be sent/,
    );
    // The slot is free again: a request after them leaves at once.
    expect((await api.get('/items/1')).data).toEqual({ token: 'token-1' });
  });

  it('a request aborted while it waits for a slot is canceled and never sent', async () => {
    accepted = new Set(['token-1']);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(
      api,
      {
        isRenewing: () => false,
        peek: () => 'token-1',
        acquire: async () => 'token-1',
        renew: async () => 'token-1',
      },
      { maxInFlight: 1 },
    );
    const controller = new AbortController();

    const first = api.get('/items/1');
    const second = api.get('/items/2', { signal: controller.signal });
    controller.abort();

    expect(await second.catch((e: unknown) => e)).toBeInstanceOf(CanceledError);
    await first;
    expect(seenTokens).toHaveLength(1);
  });
});

describe('401s for a token that ran out on its way', () => {
  it(`do not use up the retry budget: ${MAX_EXPIRED_RETRIES} in a row, then success with the next token`, async () => {
    // Each token the source hands out is already past its usable life when the answer comes.
    let issued = 0;
    const renew = vi.fn<TokenSource['renew']>(async () => `token-${++issued}`);
    accepted = new Set([`token-${MAX_EXPIRED_RETRIES}`]);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => 'token-0',
      renew,
      goodUntil: (token) => (accepted.has(token) ? Date.now() + 60_000 : Date.now() - 1),
    });

    const response = await api.get('/items/1');

    expect(response.data).toEqual({ token: `token-${MAX_EXPIRED_RETRIES}` });
    expect(MAX_EXPIRED_RETRIES).toBeGreaterThan(MAX_AUTH_RETRIES);
    // Never "rejected again right after a renewal": the tokens were not good when refused.
    expect(renew.mock.calls.every(([, rejection]) => rejection?.afterRenewal === false)).toBe(true);
  });

  it('are bounded on their own: an API whose tokens are dead on arrival cannot make a request loop', async () => {
    let issued = 0;
    const renew = vi.fn<TokenSource['renew']>(async () => `token-${++issued}`);
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => 'token-0',
      renew,
      goodUntil: () => Date.now() - 1,
    });

    const error = await api.get('/items/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestRefusedError);
    expect(renew).toHaveBeenCalledTimes(MAX_EXPIRED_RETRIES);
    expect(seenTokens).toHaveLength(MAX_EXPIRED_RETRIES + 1);
  });

  it('a good token refused after a renewal the request waited for is reported as such to the source', async () => {
    const renew = vi.fn<TokenSource['renew']>(async () => 'token-2');
    const api = axios.create({ baseURL: API });
    attachAuthInterceptors(api, {
      isRenewing: () => false,
      acquire: async () => 'token-1',
      renew,
      goodUntil: () => Date.now() + 60_000,
    });

    await api.get('/items/1').catch(() => undefined);

    expect(renew.mock.calls).toEqual([
      ['token-1', { afterRenewal: false }],
      ['token-2', { afterRenewal: true }],
    ]);
  });
});
