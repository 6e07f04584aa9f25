/**
 * What the server reissuer and its coordinator report, with a real OpenTelemetry SDK in memory
 * and the app's prom-client registry: one caller rotates and the rest join; a dead token is
 * `expired`, a transient failure `unavailable`; each outcome lands in the right series.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { TelemetryEvent } from '@/lib/core/telemetry/events';
import { createInProcessCoordinator } from '@/lib/core/server/coordinator/in-process';
import { createServerReissuer } from '@/lib/core/server/reissuer';
import type { ReissueOutcome } from '@/lib/core/server/auth-backend';
import { recordTelemetry } from '@/lib/server/metrics/record';
import { appMetrics } from '@/lib/server/metrics/registry';
import { startInMemoryTracing, type InMemoryTracing } from '../support/in-memory-tracing';

const user = { id: 'u1' };
const pair = (n: number) => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: Date.now() + 60_000,
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: Date.now() + 3_600_000,
  user,
});

let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing();
});
afterEach(() => tracing.reset());
afterAll(() => tracing.stop());

function reissuerAnswering(answer: (token: string) => ReissueOutcome) {
  const events: TelemetryEvent[] = [];
  let calls = 0;
  const hook = (event: TelemetryEvent) => {
    events.push(event);
    recordTelemetry(event);
  };
  const reissuer = createServerReissuer({
    backend: {
      reissue: async (token) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return answer(token);
      },
    },
    coordinator: (call) =>
      createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000, telemetry: hook }),
    telemetry: hook,
  });
  return { reissuer, events, calls: () => calls };
}

const count = async (series: string) => {
  const text = await appMetrics().registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ').pop() ?? 0);
};

test('five concurrent reissues of one token: one rotated, four joined; spans and metrics say so', async () => {
  const rotated = 'token_reissue_reissues_total{path="proxy",outcome="rotated"}';
  const joined = 'token_reissue_reissues_total{path="proxy",outcome="joined"}';
  const [rotatedBefore, joinedBefore] = [await count(rotated), await count(joined)];
  const { reissuer, events, calls } = reissuerAnswering(() => ({ ok: true, tokens: pair(2) }));

  const outcomes = await Promise.all(
    Array.from({ length: 5 }, () => reissuer.reissue('refresh-1', 'proxy')),
  );

  expect(outcomes.every((o) => o.ok)).toBe(true);
  expect(calls()).toBe(1);
  const reissues = events.filter((e) => e.type === 'reissue');
  expect(reissues.map((e) => e.outcome).sort()).toEqual([
    'joined',
    'joined',
    'joined',
    'joined',
    'rotated',
  ]);
  expect(new Set(reissues.map((e) => e.path))).toEqual(new Set(['proxy']));
  expect(events.filter((e) => e.type === 'coordinator_wait')).toHaveLength(4);

  const spans = tracing.spans().filter((s) => s.name === 'reissue');
  expect(spans.map((s) => s.attributes['reissue.outcome']).sort()).toEqual(
    reissues.map((e) => e.outcome).sort(),
  );
  const holder = spans.find((s) => s.attributes['reissue.outcome'] === 'rotated')!;
  expect(holder.attributes).toMatchObject({ 'reissue.path': 'proxy', 'reissue.joined': 4 });
  expect(tracing.spans().filter((s) => s.name === 'coordinator.wait')).toHaveLength(4);
  for (const span of tracing.spans()) {
    expect(JSON.stringify(span.attributes)).not.toMatch(/refresh-|access-/);
  }

  expect(await count(rotated)).toBe(rotatedBefore + 1);
  expect(await count(joined)).toBe(joinedBefore + 4);
});

test('a dead refresh token counts as expired, a transient failure as unavailable, with error.type', async () => {
  const dead = reissuerAnswering(() => ({ ok: false, code: 'SESSION_EXPIRED', reason: 'gone' }));
  const down = reissuerAnswering(() => ({ ok: false, code: 'REISSUE_UNAVAILABLE', reason: '503' }));
  await dead.reissuer.reissue('refresh-dead', 'fetch');
  await down.reissuer.reissue('refresh-down');

  expect(dead.events).toContainEqual(
    expect.objectContaining({
      type: 'reissue',
      path: 'fetch',
      outcome: 'expired',
      errorType: 'SESSION_EXPIRED',
    }),
  );
  expect(down.events).toContainEqual(
    expect.objectContaining({ type: 'reissue', path: 'server-auth', outcome: 'unavailable' }),
  );
  const spans = tracing.spans().filter((s) => s.name === 'reissue');
  expect(spans.map((s) => s.attributes['error.type']).sort()).toEqual([
    'REISSUE_UNAVAILABLE',
    'SESSION_EXPIRED',
  ]);
});

test('the exposition names every reissue path and outcome before the first event, and no other label value', async () => {
  const text = await appMetrics().registry.metrics();
  for (const path of ['browser-route', 'proxy', 'server-auth', 'fetch']) {
    for (const outcome of ['rotated', 'joined', 'expired', 'unavailable']) {
      expect(text).toContain(`token_reissue_reissues_total{path="${path}",outcome="${outcome}"}`);
    }
  }
  const values = [...text.matchAll(/token_reissue_\w+\{([^}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/="([^"]*)"/g)].map((v) => v[1]!),
  );
  const allowed =
    /^(browser-route|proxy|server-auth|fetch|rotated|joined|expired|unavailable|forged|wrong_session|stale|replayed|invalid_credentials|rate_limited|breaker_tripped|session_ended|persist_failed|request_refused|invalid|in-process|redis|held|received|timed_out|[\d.+Inf]+)$/;
  for (const value of values) expect(value).toMatch(allowed);
});
