/**
 * A burst of N concurrent authenticated requests against a busy API whose access tokens live
 * only a few seconds: the requests' renewed token can expire while they wait in the API's queue.
 * Before a second 401 asked the auth actor again, those requests ended as "session ended" though
 * the session was fine. Shared by the integration test (asserts the counts) and the benchmark
 * (prints the time). The wiring is the browser's `clientAuth`: the real auth machine, the real
 * reissue client and the real interceptors. The network is replaced at its edge: the Next
 * reissue route is a small local HTTP server (the reissue client's real `fetch`), and the API is
 * an axios adapter (the transport below every interceptor). Real sockets or msw cost 3–15 ms per
 * request on a busy 2-core machine, so 1000 of them would outlast a 5 s token by transport
 * alone; the adapter makes the outcome depend on the auth logic, not on the machine's load.
 */
import { sessionUserSchema } from '@/lib/validations/session';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { AxiosError, type AxiosAdapter, type AxiosResponse } from 'axios';
import { createActor, fromPromise } from 'xstate';
import { isAuthRequestError } from '@/lib/core/errors';
import { requestReissue } from '@/lib/core/browser/reissue-client';
import { actorTokenSource } from '@/lib/core/http/actor-token-source';
import { attachAuthInterceptors } from '@/lib/core/http/interceptors';
import { authMachine } from '@/machines/auth.machine';

const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };

export interface ExpiringBurstOptions {
  /** Concurrent requests. */
  requests?: number;
  /** Lifetime of every access token the reissue route hands out. */
  tokenTtlMs?: number;
  /**
   * The API is swamped right after the first reissue: requests with a live token that arrive
   * within this many ms of it are answered only when it has passed, and are checked then.
   * Defaults to a little more than the token's lifetime, so every first retry meets an expired
   * token, as the slowest requests of a real burst do.
   */
  backlogMs?: number;
}

export interface ExpiringBurstResult {
  requests: number;
  succeeded: number;
  /** Requests that ended with SessionExpiredError: all false, the refresh token never died. */
  sessionEnded: number;
  /** Any other failure (retryable auth errors, network). */
  otherFailures: number;
  /** Calls to the reissue route. */
  reissues: number;
  /** 401s for a token that was live when sent and expired while queued in the API. */
  expiredWhileQueued: number;
  /** From the first request to the last settled one. */
  elapsedMs: number;
}

export async function runExpiringBurst({
  requests = 1_000,
  tokenTtlMs = 5_000,
  backlogMs = tokenTtlMs + 250,
}: ExpiringBurstOptions = {}): Promise<ExpiringBurstResult> {
  const expiries = new Map<string, number>([['token-0', Date.now() - 1]]);
  let reissues = 0;
  let expiredWhileQueued = 0;
  let backlogUntil = Infinity;
  const waitTurn = () => {
    const wait = backlogUntil - Date.now();
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : undefined;
  };
  const isLive = (token: string) => (expiries.get(token) ?? 0) > Date.now();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const reissueRoute = (req: IncomingMessage, res: ServerResponse) => {
    reissues += 1;
    if (reissues === 1) backlogUntil = Date.now() + backlogMs;
    const accessToken = `token-${reissues}`;
    const accessTokenExpiresAt = Date.now() + tokenTtlMs;
    expiries.set(accessToken, accessTokenExpiresAt);
    json(res, 200, { accessToken, accessTokenExpiresAt, user, ticket: 'ticket' });
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      req.method === 'POST' && req.url === '/api/auth/reissue'
        ? reissueRoute(req, res)
        : json(res, 404, { error: 'not_found' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const apiAdapter: AxiosAdapter = async (config) => {
    const answer = (status: number, data: unknown): AxiosResponse => {
      const response = { data, status, statusText: String(status), headers: {}, config };
      if (status < 400) return response;
      throw new AxiosError(`HTTP ${status}`, AxiosError.ERR_BAD_REQUEST, config, null, response);
    };
    const token = String(config.headers.get('Authorization') ?? '').replace('Bearer ', '');
    // Checking an expired token is cheap; a live one waits out the backlog, then is checked again.
    if (!isLive(token)) return answer(401, { error: 'invalid_token' });
    await waitTurn();
    if (!isLive(token)) {
      expiredWhileQueued += 1;
      return answer(401, { error: 'invalid_token' });
    }
    return answer(200, { url: config.url });
  };

  const actor = createActor(
    authMachine.provide({
      actors: {
        reissue: fromPromise(({ input, signal }) =>
          requestReissue(input, signal, { user: sessionUserSchema, baseUrl: origin, locks: null }),
        ),
      },
    }),
  ).start();
  actor.send({
    type: 'SESSION_UPDATE',
    session: { accessToken: 'token-0', accessTokenExpiresAt: Date.now() + tokenTtlMs, user },
  });
  const api = axios.create({
    baseURL: 'http://api.burst.test',
    timeout: 60_000,
    adapter: apiAdapter,
  });
  attachAuthInterceptors(api, actorTokenSource(actor));

  try {
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: requests }, (_, i) => api.get(`/posts/${i}`)),
    );
    const elapsedMs = performance.now() - started;
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    const sessionEnded = failures.filter(
      (e) => isAuthRequestError(e) && e.code === 'SESSION_EXPIRED',
    ).length;
    return {
      requests,
      succeeded: requests - failures.length,
      sessionEnded,
      otherFailures: failures.length - sessionEnded,
      reissues,
      expiredWhileQueued,
      elapsedMs,
    };
  } finally {
    actor.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
