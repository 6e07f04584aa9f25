import { sessionUserSchema } from '@/lib/validations/session';
import axios, { type AxiosResponse } from 'axios';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  NotSignedInError,
  ReissueUnavailableError,
  RequestRefusedError,
  SessionExpiredError,
} from '@/lib/core/errors';
import { requestReissue } from '@/lib/core/browser/reissue-client';
import { actorTokenSource, type AuthMachineActor } from '@/lib/core/http/actor-token-source';
import { attachAuthInterceptors } from '@/lib/core/http/interceptors';
import { authMachine } from '@/machines/auth.machine';

const API = 'http://api.test';
const APP = 'http://app.test';
const REISSUE_URL = `${APP}/api/auth/reissue`;
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const inFifteenMinutes = () => Date.now() + 15 * 60_000;
const session = (accessToken: string) => ({
  accessToken,
  accessTokenExpiresAt: inFifteenMinutes(),
  user,
});

/** The API accepts only the token the reissue route hands out; the session starts with token-1. */
const CURRENT_TOKEN = 'token-2';

let reissueCalls = 0;
const apiCalls = new Map<string, number>();

/** 200 with the token the request carried if it is the current one, 401 otherwise. */
function answerApi(request: Request, id: string) {
  apiCalls.set(id, (apiCalls.get(id) ?? 0) + 1);
  const token = request.headers.get('Authorization')?.replace('Bearer ', '');
  return token === CURRENT_TOKEN
    ? HttpResponse.json({ id, token })
    : HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
}

const server = setupServer(
  http.get(`${API}/posts/:id`, ({ request, params }) => answerApi(request, String(params.id))),
  http.post(REISSUE_URL, () => {
    reissueCalls += 1;
    return HttpResponse.json({ ...session(CURRENT_TOKEN), ticket: 'sealed-ticket' });
  }),
);

/** Stopped after each test, so no timer (proactive reissue, backoff) outlives it. */
const running: AuthMachineActor[] = [];

/** A real auth actor (reissue through the Next route via msw) and a real axios instance with the interceptors. */
function startAuth({
  reissueTimeout = 2_000,
  waitTimeoutMs = 3_000,
  maxInFlight,
}: {
  reissueTimeout?: number;
  waitTimeoutMs?: number;
  maxInFlight?: number;
} = {}) {
  const persistSession = vi.fn();
  const signOut = vi.fn();
  const events: string[] = [];
  const actor: AuthMachineActor = createActor(
    authMachine.provide({
      actors: {
        reissue: fromPromise(({ input, signal }) =>
          requestReissue(input, signal, { user: sessionUserSchema, baseUrl: APP }),
        ),
      },
      actions: { persistSession, signOut },
      delays: { reissueTimeout },
    }),
    {
      inspect: (inspection) => {
        // Events sent from outside (by the interceptors or the test), not the machine's own.
        if (inspection.type === '@xstate.event' && !inspection.event.type.startsWith('xstate.')) {
          events.push(inspection.event.type);
        }
      },
    },
  );
  actor.start();
  running.push(actor);
  const api = axios.create({ baseURL: API, timeout: 5_000 });
  const { traffic } = attachAuthInterceptors(api, actorTokenSource(actor, { waitTimeoutMs }), {
    maxInFlight,
  });
  return { actor, api, traffic, persistSession, signOut, events };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const tokensOf = (responses: AxiosResponse<{ token: string }>[]) =>
  responses.map((r) => r.data.token);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  reissueCalls = 0;
  apiCalls.clear();
});
afterEach(() => {
  running.splice(0).forEach((actor) => actor.stop());
  server.resetHandlers();
});
afterAll(() => server.close());

describe('auth interceptors on a real auth actor', () => {
  it('100 concurrent 401s share one reissue and all retry with the new token', async () => {
    const { actor, api, persistSession } = startAuth();
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api.get<{ token: string }>(`/posts/${i}`)),
    );

    expect(reissueCalls).toBe(1);
    expect(tokensOf(responses)).toEqual(Array(100).fill(CURRENT_TOKEN));
    expect([...apiCalls.values()]).toEqual(Array(100).fill(2));
    expect(persistSession).toHaveBeenCalledTimes(1);
    expect(actor.getSnapshot().context.accessToken).toBe(CURRENT_TOKEN);
  });

  it('401s that arrive while the reissue is in flight are queued and retried, not dropped', async () => {
    const { actor, api, traffic, events } = startAuth();
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    const reissueHeld = gate();
    const slowApiHeld = gate();
    server.use(
      http.post(REISSUE_URL, async () => {
        reissueCalls += 1;
        await reissueHeld.opened;
        return HttpResponse.json({ ...session(CURRENT_TOKEN), ticket: 'sealed-ticket' });
      }),
      http.get(`${API}/slow/:id`, async ({ request, params }) => {
        await slowApiHeld.opened;
        return answerApi(request, `slow-${String(params.id)}`);
      }),
    );

    const sentWithOldToken = [1, 2, 3, 4, 5].map((i) => api.get<{ token: string }>(`/slow/${i}`));
    const first = api.get<{ token: string }>('/posts/first');
    await waitFor(actor, (s) => s.matches('refreshing'), { timeout: 1_000 });
    slowApiHeld.open(); // their 401s land mid-reissue
    const sentMidReissue = [1, 2, 3, 4, 5].map((i) =>
      api.get<{ token: string }>(`/posts/mid-${i}`),
    );
    await vi.waitFor(() => expect(traffic.getSnapshot().waiting).toBe(11));
    // The five late 401s joined the reissue in flight without an event (no macrostep) each.
    expect(traffic.getSnapshot().coalesced).toBe(5);
    expect(events.filter((type) => type === 'TOKEN_REJECTED')).toHaveLength(1);
    expect(actor.getSnapshot().context.coalescedCount).toBe(0);
    reissueHeld.open();
    const responses = await Promise.all([first, ...sentWithOldToken, ...sentMidReissue]);

    expect(tokensOf(responses)).toEqual(Array(11).fill(CURRENT_TOKEN));
    expect(reissueCalls).toBe(1);
    expect(apiCalls.get('mid-1')).toBe(1); // sent after the reissue, with the new token
    expect(traffic.getSnapshot()).toMatchObject({ waiting: 0, retried: 6, failed: 0 });
  });

  it('a 401 for a stale token retries with the current token, starts no reissue and sends the machine nothing', async () => {
    const { actor, api, events } = startAuth();
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    const slowApiHeld = gate();
    server.use(
      http.get(`${API}/slow/:id`, async ({ request, params }) => {
        await slowApiHeld.opened;
        return answerApi(request, `slow-${String(params.id)}`);
      }),
    );

    const stale = api.get<{ token: string }>('/slow/stale'); // carries token-1
    await api.get('/posts/triggers-reissue');
    expect(actor.getSnapshot().context.accessToken).toBe(CURRENT_TOKEN);
    slowApiHeld.open(); // token-1's 401 arrives after the reissue finished
    const response = await stale;

    expect(response.data.token).toBe(CURRENT_TOKEN);
    expect(apiCalls.get('slow-stale')).toBe(2);
    expect(reissueCalls).toBe(1);
    expect(events.filter((type) => type === 'TOKEN_REJECTED')).toHaveLength(1);
    expect(actor.getSnapshot().context.reissueCount).toBe(1);
  });

  it('a dead refresh token rejects every waiting request with SessionExpiredError', async () => {
    const { actor, api, signOut } = startAuth();
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    server.use(
      http.post(REISSUE_URL, () => {
        reissueCalls += 1;
        return HttpResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401 });
      }),
    );

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => api.get(`/posts/${i}`)),
    );
    const afterwards = await api.get('/posts/later').catch((e: unknown) => e);

    expect(results.map((r) => r.status === 'rejected' && r.reason)).toEqual(
      Array(20).fill(expect.any(SessionExpiredError)),
    );
    expect(afterwards).toBeInstanceOf(SessionExpiredError);
    expect(actor.getSnapshot().value).toBe('expired');
    expect(reissueCalls).toBe(1);
    expect(signOut).not.toHaveBeenCalled();
  });

  const REISSUE_TIMEOUT = 500;
  // Generous for a loaded 2-core machine, yet well under the slow reply below (10 × timeout).
  const SLACK = 3_000;
  const transientFailures: [string, () => Response | Promise<Response>][] = [
    ['the route is unreachable (network error)', () => HttpResponse.error()],
    ['500', () => new HttpResponse(null, { status: 500 })],
    [
      '502 with an HTML page',
      () =>
        new HttpResponse('<html><body>502 Bad Gateway</body></html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html' },
        }),
    ],
    [
      'malformed JSON',
      () =>
        new HttpResponse('{"accessToken":', { headers: { 'Content-Type': 'application/json' } }),
    ],
    [
      'a 200 missing accessTokenExpiresAt',
      () => HttpResponse.json({ accessToken: CURRENT_TOKEN, user, ticket: 'sealed-ticket' }),
    ],
    [
      'a reissue slower than the timeout',
      async () => {
        await delay(REISSUE_TIMEOUT * 10);
        return HttpResponse.json({ ...session(CURRENT_TOKEN), ticket: 'sealed-ticket' });
      },
    ],
  ];

  it.each(transientFailures)(
    '%s: waiting requests fail with ReissueUnavailableError within the timeout, session kept',
    async (_, respond) => {
      const { actor, api, signOut } = startAuth({
        reissueTimeout: REISSUE_TIMEOUT,
        waitTimeoutMs: REISSUE_TIMEOUT + 200,
      });
      actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
      server.use(
        http.post(REISSUE_URL, () => {
          reissueCalls += 1;
          return respond();
        }),
      );

      const settled = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const started = performance.now();
          const error = await api.get(`/posts/${i}`).then(
            () => null,
            (e: unknown) => e,
          );
          return { error, elapsed: performance.now() - started };
        }),
      );

      for (const { error, elapsed } of settled) {
        expect(error).toBeInstanceOf(ReissueUnavailableError);
        expect(elapsed).toBeLessThan(REISSUE_TIMEOUT + SLACK);
      }
      const snapshot = actor.getSnapshot();
      expect(snapshot.matches('authenticated')).toBe(true);
      expect(snapshot.context.error?.code).toBe('REISSUE_UNAVAILABLE');
      expect(snapshot.context.accessToken).toBe('token-1');
      expect(signOut).not.toHaveBeenCalled();
      expect(reissueCalls).toBeGreaterThanOrEqual(1);
    },
  );

  it('with requests held in the page (maxInFlight 6), a burst of 20 whose reissue fails costs one reissue: the held ones fail as retryable too, none carries the rejected token', async () => {
    const { actor, api, events } = startAuth({ maxInFlight: 6 });
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    server.use(
      http.post(REISSUE_URL, () => {
        reissueCalls += 1;
        return new HttpResponse(null, { status: 503 });
      }),
    );

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => api.get(`/posts/${i}`)),
    );

    expect(results.map((r) => r.status === 'rejected' && r.reason)).toEqual(
      Array(20).fill(expect.any(ReissueUnavailableError)),
    );
    // Only the first six left with token-1; the rest never sent it after the reissue failed.
    expect([...apiCalls.values()].reduce((sum, n) => sum + n, 0)).toBe(6);
    expect(reissueCalls).toBe(1);
    expect(events.filter((type) => type === 'TOKEN_REJECTED')).toHaveLength(1);
    // The machine retries on its own schedule and then serves requests again.
    await waitFor(
      actor,
      (snapshot) => snapshot.context.reissueCount === 0 && snapshot.matches('refreshing'),
      {
        timeout: 2_000,
      },
    );
    server.resetHandlers();
    await waitFor(
      actor,
      (snapshot) => snapshot.matches('authenticated') && !snapshot.context.error,
      {
        timeout: 3_000,
      },
    );
    expect((await api.get('/posts/after')).data).toEqual({ id: 'after', token: CURRENT_TOKEN });
  });

  it('gives up with ReissueUnavailableError at its own wait bound even if the machine waits longer', async () => {
    const { actor, api } = startAuth({ reissueTimeout: 10_000, waitTimeoutMs: 200 });
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    server.use(http.post(REISSUE_URL, () => delay('infinite')));
    const started = performance.now();

    const error = await api.get('/posts/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReissueUnavailableError);
    expect(performance.now() - started).toBeLessThan(200 + SLACK);
    expect(actor.getSnapshot().matches('refreshing')).toBe(true);
  });

  it('a route that rejects every token: one reissue, then the fresh token rejected again is a refusal (RequestRefusedError), not "session ended"; later requests there cost no reissue', async () => {
    const { actor, api, events } = startAuth();
    actor.send({ type: 'SESSION_UPDATE', session: session('token-1') });
    server.use(
      http.get(`${API}/refuses/:id`, ({ params }) => {
        const id = `refuses-${String(params.id)}`;
        apiCalls.set(id, (apiCalls.get(id) ?? 0) + 1);
        return HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
      }),
    );

    const first = await api.get('/refuses/1').catch((e: unknown) => e);

    // token-1 → reissue → token-2, just issued, rejected again: the chart's isRefusal guard.
    expect(first).toBeInstanceOf(RequestRefusedError);
    expect(first).not.toBeInstanceOf(SessionExpiredError);
    expect(apiCalls.get('refuses-1')).toBe(2);
    expect(reissueCalls).toBe(1);
    expect(events.filter((type) => type === 'TOKEN_REJECTED')).toHaveLength(2);
    expect(actor.getSnapshot().matches('authenticated')).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({
      accessToken: CURRENT_TOKEN,
      refusedCount: 1,
      refusal: { token: CURRENT_TOKEN },
      error: null,
    });

    // A second burst at the route: each request is refused at its first 401, nothing reissues.
    const again = await Promise.all(
      [2, 3, 4].map((id) => api.get(`/refuses/${id}`).catch((e: unknown) => e)),
    );
    expect(again.every((error) => error instanceof RequestRefusedError)).toBe(true);
    expect([2, 3, 4].map((id) => apiCalls.get(`refuses-${id}`))).toEqual([1, 1, 1]);
    expect(reissueCalls).toBe(1);
    // Other routes take the same token as before.
    expect((await api.get('/posts/5')).data).toEqual({ id: '5', token: CURRENT_TOKEN });
    expect(reissueCalls).toBe(1);
  });

  it('rejects with NotSignedInError and sends nothing when signed out', async () => {
    const { actor, api, events } = startAuth();
    expect(actor.getSnapshot().value).toBe('signedOut');

    const error = await api.get('/posts/1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotSignedInError);
    expect(apiCalls.size).toBe(0);
    expect(reissueCalls).toBe(0);
    expect(events).toEqual([]);
  });
});
