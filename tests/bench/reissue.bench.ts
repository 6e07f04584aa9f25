/**
 * How long N concurrent requests take to settle when they all get a 401 and share one reissue,
 * against the same N with a valid token. Network is msw in-process, so the numbers are the cost
 * of the interceptors, the actor and axios, not of a real API. Prints; asserts nothing.
 *
 *   npm run bench
 */
import axios from 'axios';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createActor, fromPromise } from 'xstate';
import { requestReissue } from '@/lib/auth/reissue-client';
import { actorTokenSource } from '@/lib/http/actor-token-source';
import { attachAuthInterceptors } from '@/lib/http/auth-interceptors';
import { authMachine } from '@/machines/auth.machine';

const API = 'http://api.test';
const APP = 'http://app.test';
const CURRENT_TOKEN = 'token-2';
const ROUNDS = 3;
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const session = (accessToken: string) => ({
  accessToken,
  accessTokenExpiresAt: Date.now() + 15 * 60_000,
  user,
});

let reissueCalls = 0;
const server = setupServer(
  http.get(`${API}/posts/:id`, ({ request }) =>
    request.headers.get('Authorization') === `Bearer ${CURRENT_TOKEN}`
      ? HttpResponse.json({ ok: true })
      : HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
  ),
  http.post(`${APP}/api/auth/reissue`, () => {
    reissueCalls += 1;
    return HttpResponse.json({ ...session(CURRENT_TOKEN), reissue: 'sealed-ticket' });
  }),
);

interface Run {
  totalMs: number;
  latencies: number[];
  reissues: number;
}

/** N requests at once; `startToken` decides whether they all 401 first. */
async function run(n: number, startToken: string): Promise<Run> {
  const actor = createActor(
    authMachine.provide({
      actors: {
        reissue: fromPromise(({ input, signal }) =>
          requestReissue(input, signal, { baseUrl: APP }),
        ),
      },
    }),
  ).start();
  actor.send({ type: 'SESSION_UPDATE', session: session(startToken) });
  const api = axios.create({ baseURL: API, timeout: 30_000 });
  attachAuthInterceptors(api, actorTokenSource(actor));
  reissueCalls = 0;

  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const sent = performance.now();
      await api.get(`/posts/${i}`);
      return performance.now() - sent;
    }),
  );
  const totalMs = performance.now() - started;
  actor.stop();
  return { totalMs, latencies, reissues: reissueCalls };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

async function main() {
  server.listen({ onUnhandledRequest: 'error' });
  await run(50, 'token-1'); // warm up JIT and msw

  const rows = [];
  for (const n of [100, 1000]) {
    const baseline: Run[] = [];
    const reissued: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push(await run(n, CURRENT_TOKEN));
      reissued.push(await run(n, 'token-1'));
    }
    const base = baseline.flatMap((r) => r.latencies);
    const with401 = reissued.flatMap((r) => r.latencies);
    rows.push({
      N: n,
      reissues: reissued.map((r) => r.reissues).join(','),
      'valid: all (ms)': median(baseline.map((r) => r.totalMs)).toFixed(1),
      '401: all (ms)': median(reissued.map((r) => r.totalMs)).toFixed(1),
      'valid p50': percentile(base, 50).toFixed(1),
      'valid p95': percentile(base, 95).toFixed(1),
      '401 p50': percentile(with401, 50).toFixed(1),
      '401 p95': percentile(with401, 95).toFixed(1),
      'added p50': (percentile(with401, 50) - percentile(base, 50)).toFixed(1),
      'added p95': (percentile(with401, 95) - percentile(base, 95)).toFixed(1),
    });
  }
  server.close();

  console.log(
    `N concurrent requests, valid token vs. all 401 then one shared reissue (msw in-process; ` +
      `totals are the median of ${ROUNDS} rounds, latencies in ms pooled over them)`,
  );
  console.table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
