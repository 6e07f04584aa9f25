/**
 * One run of each scenario for one client against a strictly rotating API. Every run starts
 * from a fresh login, counts what the API saw (reissues, reuse detections, 401s) from its
 * metrics, and ends by asking whether the session's refresh token still rotates.
 */
import type { AxiosRequestConfig } from 'axios';
import { generateProof } from 'dpop';
import { DELAY_HEADER, type BenchApi } from './api';
import type { BenchClient, ClientFactory } from './client';
import { percentile } from './stats';

export interface RunResult {
  reissues: number;
  reuseDetected: number;
  succeeded: number;
  failed: number;
  /** Failures that looked like "session ended" to the caller. */
  ended: number;
  unauthorized: number;
  settleMs: number;
  p50: number;
  p99: number;
  alive: boolean;
}

interface Outcome {
  ok: boolean;
  ms: number;
  /** Failed as if signed out: a 401 reached the caller, or a "session expired" error. */
  ended?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timedGet(client: BenchClient, config?: AxiosRequestConfig): Promise<Outcome> {
  const started = performance.now();
  try {
    await client.http.get('/users/me', config);
    return { ok: true, ms: performance.now() - started };
  } catch (error) {
    const fields = (typeof error === 'object' && error !== null ? error : {}) as {
      code?: unknown;
      response?: { status?: number };
    };
    const ended = fields.code === 'SESSION_EXPIRED' || fields.response?.status === 401;
    return { ok: false, ms: performance.now() - started, ended };
  }
}

const wave = (client: BenchClient, n: number) => Array.from({ length: n }, () => timedGet(client));

/** Logs in (the token optionally rejected from the start), runs `act`, and sums up. */
async function measure(
  api: BenchApi,
  factory: ClientFactory,
  { viaProxy = false, expired = true },
  act: (client: BenchClient) => Promise<Outcome[]>,
): Promise<RunResult> {
  const login = await api.login(
    factory.dpopKey &&
      (await generateProof(await factory.dpopKey(), `${api.url}/auth/login`, 'POST')),
  );
  if (expired) await api.expire(login.accessToken);
  const base = viaProxy ? api.proxyUrl : api.url;
  const client = factory(base, base, login);
  const before = await api.counts();
  const started = performance.now();
  const outcomes = await act(client);
  const settleMs = performance.now() - started;
  const after = await api.counts();
  client.stop();
  // A reissue still on the wire (a proactive one, say) must land before the session is probed.
  await client.store.pending?.catch(() => {});
  const latencies = outcomes.map((o) => o.ms);
  return {
    reissues: after.reissues - before.reissues,
    reuseDetected: after.reuseDetected - before.reuseDetected,
    succeeded: outcomes.filter((o) => o.ok).length,
    failed: outcomes.filter((o) => !o.ok).length,
    ended: outcomes.filter((o) => o.ended).length,
    unauthorized: after.unauthorized - before.unauthorized,
    settleMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    alive: await api.alive(client.store.refreshToken),
  };
}

/** N requests at once, all carrying a token the API already rejects. */
export const burst = (api: BenchApi, factory: ClientFactory, n: number) =>
  measure(api, factory, {}, (client) => Promise.all(wave(client, n)));

/** 50 requests get their 401; while their reissue is at the API, 50 more are sent. */
export function lateWave(api: BenchApi, factory: ClientFactory) {
  return measure(api, factory, { viaProxy: true }, async (client) => {
    api.reissueDelayMs = 150;
    try {
      const first = wave(client, 50);
      await Promise.race([api.nextReissue(), sleep(5_000)]);
      const second = wave(client, 50);
      return await Promise.all([...first, ...second]);
    } finally {
      api.reissueDelayMs = 0;
    }
  });
}

/** One slow request whose 401 arrives 200 ms late, after ten fast ones got theirs and the reissue ended. */
export const stale401 = (api: BenchApi, factory: ClientFactory) =>
  measure(api, factory, { viaProxy: true }, async (client) => {
    const slow = timedGet(client, { headers: { [DELAY_HEADER]: '200' } });
    await sleep(20);
    return Promise.all([slow, ...wave(client, 10)]);
  });

/** Four request loops for `durationMs`, a valid token at the start, expiring as it goes. */
export const steady = (api: BenchApi, factory: ClientFactory, durationMs: number) =>
  measure(api, factory, { expired: false }, async (client) => {
    const deadline = performance.now() + durationMs;
    const loop = async () => {
      const outcomes: Outcome[] = [];
      while (performance.now() < deadline) {
        outcomes.push(await timedGet(client));
        await sleep(10);
      }
      return outcomes;
    };
    return (await Promise.all([loop(), loop(), loop(), loop()])).flat();
  });

/** Sequential requests with a valid token: what the interceptors cost when nothing happens. */
export const overhead = (api: BenchApi, factory: ClientFactory, count: number) =>
  measure(api, factory, { expired: false }, async (client) => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < count; i++) outcomes.push(await timedGet(client));
    return outcomes;
  });
