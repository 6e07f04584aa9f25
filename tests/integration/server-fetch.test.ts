import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  createAuthFetch,
  ReissueUnavailableError,
  RequestRefusedError,
  SessionExpiredError,
} from 'token-reissue';
import {
  createInProcessCoordinator,
  connectRedis,
  createRedisCoordinator,
  createRedisLink,
  createServerReissuer,
  sessionTokenSource,
  type ReissueCall,
  type TokenPair,
} from 'token-reissue/server';
import { withTokens } from 'token-reissue/next';
import type { SessionUser } from '@/lib/next-auth';
import { tokenPairSchema } from '@/lib/validations/auth';
import { startRedis, type RunningRedis } from '../support/redis-server';

/**
 * The Next server's `fetch` client (`serverFetch`) on the real core parts: the session token
 * source, the server reissuer, the in-process and Redis coordinators (a real redis-server), in
 * front of a strict rotating API in memory (each refresh token works once; a replay is reuse)
 * whose resource routes are served by msw at the network edge.
 */
const API = 'http://api.test';
const USER: SessionUser = { id: 'u1', email: 'a@example.com', penName: 'A', fieldImage: null };
type Session = TokenPair<SessionUser> & { sub: string; sid: string };

interface StrictApi {
  calls: number;
  reuse: number;
  failWith: 'SESSION_EXPIRED' | 'REISSUE_UNAVAILABLE' | undefined;
  pair(): TokenPair<SessionUser>;
  revoke(accessToken: string): boolean;
  accepts(header: string | null): boolean;
  reissue: ReissueCall<SessionUser>;
}

function strictApi(): StrictApi {
  const refreshTokens = new Set<string>();
  const accessTokens = new Set<string>();
  const api: StrictApi = {
    calls: 0,
    reuse: 0,
    /** When set, every reissue answers this instead. */
    failWith: undefined,
    pair(): TokenPair<SessionUser> {
      const pair = {
        accessToken: `at-${randomBytes(12).toString('hex')}`,
        accessTokenExpiresAt: Date.now() + 60_000,
        refreshToken: `rt-${randomBytes(12).toString('hex')}`,
        refreshTokenExpiresAt: Date.now() + 3_600_000,
        user: USER,
      };
      refreshTokens.add(pair.refreshToken);
      accessTokens.add(pair.accessToken);
      return pair;
    },
    revoke: (accessToken: string) => accessTokens.delete(accessToken),
    accepts: (header: string | null) => accessTokens.has(header?.replace(/^Bearer /, '') ?? ''),
    async reissue(refreshToken) {
      api.calls++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (api.failWith) return { ok: false, code: api.failWith, reason: 'told to' };
      if (!refreshTokens.delete(refreshToken)) {
        api.reuse++;
        return { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' };
      }
      return { ok: true, tokens: api.pair() };
    },
  };
  return api;
}

let api = strictApi();
const received: unknown[] = [];
const server = setupServer(
  http.get(`${API}/users/me`, ({ request }) =>
    api.accepts(request.headers.get('authorization'))
      ? HttpResponse.json(USER)
      : HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
  ),
  http.post(`${API}/posts`, async ({ request }) => {
    if (!api.accepts(request.headers.get('authorization'))) {
      return HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
    }
    received.push(await request.json());
    return HttpResponse.json({ ok: true }, { status: 201 });
  }),
  http.get(`${API}/teapot`, () => HttpResponse.json({ error: 'teapot' }, { status: 418 })),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

/**
 * One app process serving one request: the request's session (as its cookie holds it), the
 * process's reissuer, and `serverFetch` built from them as lib/server/http.ts builds it.
 */
function processServing(
  start: Session,
  coordinator: (
    call: ReissueCall<SessionUser>,
  ) => ReturnType<typeof createInProcessCoordinator<SessionUser>>,
) {
  let latest: Session | null = start;
  const saved: Session[] = [];
  const reissuer = createServerReissuer<SessionUser>({
    backend: { reissue: api.reissue },
    coordinator,
  });
  const serverFetch = createAuthFetch(
    sessionTokenSource<Session, SessionUser>({
      session: async () => latest,
      reissuer,
      withTokens,
      async save(session) {
        latest = session;
        saved.push(session);
      },
    }),
    { baseUrl: API },
  );
  return { serverFetch, saved, session: () => latest };
}

const inProcess = (call: ReissueCall<SessionUser>) =>
  createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000 });

function signedIn(): Session {
  return { ...api.pair(), sub: USER.id, sid: 'session-a' };
}

describe('serverFetch in one process', () => {
  test('20 concurrent fetches after the API revoked the access token: 1 reissue, 20 answers, the session saved with the successor', async () => {
    api = strictApi();
    const session = signedIn();
    api.revoke(session.accessToken);
    const one = processServing(session, inProcess);

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => one.serverFetch('/users/me')),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await responses[0]!.json()).toEqual(USER);
    expect(api.calls).toBe(1);
    expect(api.reuse).toBe(0);
    expect(one.saved.length).toBeGreaterThanOrEqual(1);
    expect(new Set(one.saved.map((s) => s.refreshToken)).size).toBe(1);
    expect(one.session()).toMatchObject({ sid: 'session-a', sub: USER.id });
    expect(one.session()!.refreshToken).not.toBe(session.refreshToken);
  });

  test('a retried POST resends its body intact', async () => {
    api = strictApi();
    const session = signedIn();
    api.revoke(session.accessToken);
    const one = processServing(session, inProcess);

    const response = await one.serverFetch('/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Hello' }),
    });

    expect(response.status).toBe(201);
    expect(received).toEqual([{ title: 'Hello' }]);
    expect(api.calls).toBe(1);
  });

  test('a dead refresh token rejects as SessionExpiredError, a transient failure as ReissueUnavailableError; nothing is saved', async () => {
    for (const [code, type] of [
      ['SESSION_EXPIRED', SessionExpiredError],
      ['REISSUE_UNAVAILABLE', ReissueUnavailableError],
    ] as const) {
      api = strictApi();
      const session = signedIn();
      api.revoke(session.accessToken);
      api.failWith = code;
      const one = processServing(session, inProcess);
      await expect(one.serverFetch('/users/me')).rejects.toBeInstanceOf(type);
      expect(one.saved).toEqual([]);
    }
  });

  test('a route that rejects every token: one reissue, then the token it just gave, rejected again, is refused (RequestRefusedError), not reissued again; other statuses are answers', async () => {
    api = strictApi();
    const session = signedIn();
    server.use(
      http.get(`${API}/users/me`, () => HttpResponse.json({ error: 'nope' }, { status: 401 })),
    );
    const one = processServing(session, inProcess);
    await expect(one.serverFetch('/users/me')).rejects.toBeInstanceOf(RequestRefusedError);
    expect(api.calls).toBe(1);
    expect(one.saved).toHaveLength(1);
    expect((await one.serverFetch('/teapot')).status).toBe(418);
  });
});

describe('serverFetch in 2 processes sharing a real Redis, strict API', () => {
  let redis: RunningRedis;
  const disconnects: (() => void)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const disconnect of disconnects) disconnect();
    await redis?.stop();
  });

  /** As lib/server/coordinator.ts builds it: in-process single flight in front of Redis. */
  function redisCoordinator(call: ReissueCall<SessionUser>) {
    const connection = connectRedis({ kind: 'standalone', url: redis.url });
    disconnects.push(() => connection.disconnect());
    const shared = createRedisCoordinator({
      link: createRedisLink({ connection, duringOutage: 'waiting', log: () => {} }),
      reissue: call,
      outageWaitMs: 3_000,
      secret: 'redis-outcome-secret-redis-outcome-secret',
      tokenPairSchema,
      outcomeTtlMs: 60_000,
      callBudgetMs: 3_000,
    });
    return createInProcessCoordinator({ reissue: (t) => shared.reissue(t), outcomeTtlMs: 60_000 });
  }

  test('10 + 10 concurrent fetches with a revoked access token on two processes: 1 rotation, no reuse, 20 answers, one successor', async () => {
    api = strictApi();
    const session = signedIn();
    api.revoke(session.accessToken);
    const first = processServing(session, redisCoordinator);
    const second = processServing(session, redisCoordinator);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).serverFetch('/users/me')),
    );

    console.log(
      `2 processes × 10 fetches, strict API: ${api.calls} reissue call(s), ${api.reuse} reuse`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(api.calls).toBe(1);
    expect(api.reuse).toBe(0);
    expect(first.session()!.refreshToken).toBe(second.session()!.refreshToken);
  });
});
