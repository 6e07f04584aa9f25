import { sessionUserSchema } from '@/lib/validations/session';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthRequestError } from '@/lib/core/errors';
import { LOCK_NAME, requestReissue } from '@/lib/core/browser/reissue-client';

const APP = 'http://app.test';
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const inFifteenMinutes = () => Date.now() + 15 * 60_000;

let reissueCalls = 0;
let sessionToken = 'token-1';
let sessionExpiresAt = inFifteenMinutes();

const server = setupServer(
  http.post(`${APP}/api/auth/reissue`, ({ request }) => {
    reissueCalls += 1;
    if (request.headers.get('X-Auth-Reissue') !== '1') {
      return HttpResponse.json({ error: 'FORBIDDEN' }, { status: 403 });
    }
    return HttpResponse.json({
      accessToken: 'token-2',
      accessTokenExpiresAt: inFifteenMinutes(),
      user,
      ticket: 'sealed-ticket',
    });
  }),
  http.get(`${APP}/api/auth/session`, () =>
    HttpResponse.json({
      accessToken: sessionToken,
      accessTokenExpiresAt: sessionExpiresAt,
      user,
      expires: new Date(inFifteenMinutes()).toISOString(),
    }),
  ),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  reissueCalls = 0;
  sessionToken = 'token-1';
  sessionExpiresAt = inFifteenMinutes();
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** An in-memory stand-in for `navigator.locks`: one holder at a time, waiters honour their signal. */
function createLocks() {
  let held = false;
  const waiters: Array<() => void> = [];
  const request = async (
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: Lock | null) => unknown,
  ) => {
    if (held) {
      await new Promise<void>((resolve, reject) => {
        const grant = () => resolve();
        waiters.push(grant);
        options.signal?.addEventListener('abort', () => {
          waiters.splice(waiters.indexOf(grant), 1);
          reject(options.signal?.reason);
        });
      });
    }
    held = true;
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      const next = waiters.shift();
      if (next) next();
      else held = false;
    }
  };
  return { request } as unknown as Pick<LockManager, 'request'>;
}

/** Holds the lock the way another tab's reissue would, until `release` is called. */
function holdLock(locks: Pick<LockManager, 'request'>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  void locks.request(LOCK_NAME, {}, () => released);
  return release;
}

const codeOf = (error: unknown) => (error as AuthRequestError).code;

describe('requestReissue', () => {
  it('posts with the CSRF header and resolves with the validated session and its ticket', async () => {
    const result = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
    });

    expect(result).toEqual({
      accessToken: 'token-2',
      accessTokenExpiresAt: expect.any(Number),
      user,
      ticket: 'sealed-ticket',
    });
    expect(reissueCalls).toBe(1);
  });

  it('rejects with SESSION_EXPIRED when the route says the refresh token is dead', async () => {
    server.use(
      http.post(`${APP}/api/auth/reissue`, () =>
        HttpResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401 }),
      ),
    );

    const error = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
    }).catch((e: unknown) => e);

    expect(codeOf(error)).toBe('SESSION_EXPIRED');
  });

  it.each([
    [
      '503 REISSUE_UNAVAILABLE',
      () => HttpResponse.json({ error: 'REISSUE_UNAVAILABLE' }, { status: 503 }),
    ],
    ['500 without a body', () => new HttpResponse(null, { status: 500 })],
    [
      '502 with an HTML page',
      () =>
        new HttpResponse('<html>Bad Gateway</html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html' },
        }),
    ],
    ['401 with another error', () => HttpResponse.json({ error: 'NO_SESSION' }, { status: 401 })],
    ['a network error', () => HttpResponse.error()],
    [
      'malformed JSON',
      () =>
        new HttpResponse('{"accessToken":', { headers: { 'Content-Type': 'application/json' } }),
    ],
    [
      'a 200 without the ticket',
      () =>
        HttpResponse.json({
          accessToken: 'token-2',
          accessTokenExpiresAt: inFifteenMinutes(),
          user,
        }),
    ],
  ])('treats %s as transient (REISSUE_UNAVAILABLE)', async (_, respond) => {
    server.use(http.post(`${APP}/api/auth/reissue`, respond));

    const error = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
    }).catch((e: unknown) => e);

    expect(codeOf(error)).toBe('REISSUE_UNAVAILABLE');
  });

  it('an abort (the machine left refreshing) rejects as transient', async () => {
    server.use(http.post(`${APP}/api/auth/reissue`, () => delay('infinite')));
    const controller = new AbortController();

    const pending = requestReissue({ accessToken: 'token-1' }, controller.signal, {
      user: sessionUserSchema,
      baseUrl: APP,
    });
    controller.abort();

    expect(codeOf(await pending.catch((e: unknown) => e))).toBe('REISSUE_UNAVAILABLE');
  });

  it('after waiting for the lock, adopts the session another tab reissued instead of reissuing', async () => {
    const locks = createLocks();
    const releaseOtherTab = holdLock(locks);

    const pending = requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
      locks,
    });
    sessionToken = 'token-from-other-tab';
    releaseOtherTab();
    const result = await pending;

    expect(result.accessToken).toBe('token-from-other-tab');
    expect(result.ticket).toBeNull();
    expect(reissueCalls).toBe(0);
  });

  it('after the lock, reissues when the session still holds the rejected token', async () => {
    const result = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
      locks: createLocks(),
    });

    expect(result.accessToken).toBe('token-2');
    expect(result.ticket).toBe('sealed-ticket');
    expect(reissueCalls).toBe(1);
  });

  it("does not adopt another tab's token that is about to expire", async () => {
    sessionToken = 'token-from-other-tab';
    sessionExpiresAt = Date.now() + 2_000;

    const result = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
      locks: createLocks(),
    });

    expect(result.accessToken).toBe('token-2');
    expect(reissueCalls).toBe(1);
  });

  it('reissues without the lock when the lock wait times out', async () => {
    const locks = createLocks();
    const releaseOtherTab = holdLock(locks);
    const started = performance.now();

    const result = await requestReissue({ accessToken: 'token-1' }, new AbortController().signal, {
      user: sessionUserSchema,
      baseUrl: APP,
      locks,
      lockTimeoutMs: 100,
    });
    releaseOtherTab();

    expect(result.accessToken).toBe('token-2');
    expect(reissueCalls).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('an abort while waiting for the lock rejects as transient without reissuing', async () => {
    const locks = createLocks();
    const releaseOtherTab = holdLock(locks);
    const controller = new AbortController();

    const pending = requestReissue({ accessToken: 'token-1' }, controller.signal, {
      user: sessionUserSchema,
      baseUrl: APP,
      locks,
    });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    releaseOtherTab();

    expect(codeOf(error)).toBe('REISSUE_UNAVAILABLE');
    expect(reissueCalls).toBe(0);
  });
});
