/**
 * The trace hooks with a real OpenTelemetry SDK (in memory) and a real actor and interceptors,
 * the network answered by msw: the authorization-retry shape per request, `traceparent` on every
 * attempt and on the reissue request, and one reissue span counting the requests that joined.
 */
import axios from 'axios';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { requestReissue } from '@/lib/core/browser/reissue-client';
import { actorTokenSource, type AuthMachineActor } from '@/lib/core/http/actor-token-source';
import { createAuthFetch } from '@/lib/core/http/auth-fetch';
import { attachAuthInterceptors, type TokenSource } from '@/lib/core/http/interceptors';
import { createOtelTracer } from '@/lib/core/telemetry/otel-tracer';
import { sessionUserSchema } from '@/lib/validations/session';
import { authMachine } from '@/machines/auth.machine';
import {
  parentIdOf,
  startInMemoryTracing,
  type InMemoryTracing,
} from '../support/in-memory-tracing';

const API = 'http://api.test';
const APP = 'http://app.test';
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const CURRENT = 'token-2';

/** Every request's `traceparent`, by what it was. */
const seen: { what: string; status: number; traceparent: string | null }[] = [];

const server = setupServer(
  http.get(`${API}/users/me`, ({ request }) => {
    const ok = request.headers.get('authorization') === `Bearer ${CURRENT}`;
    const status = ok ? 200 : 401;
    seen.push({ what: 'api', status, traceparent: request.headers.get('traceparent') });
    return HttpResponse.json(ok ? user : { error: 'invalid_token' }, { status });
  }),
  http.post(`${APP}/api/auth/reissue`, async ({ request }) => {
    seen.push({ what: 'reissue', status: 200, traceparent: request.headers.get('traceparent') });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return HttpResponse.json({
      accessToken: CURRENT,
      accessTokenExpiresAt: Date.now() + 15 * 60_000,
      user,
      ticket: 'sealed',
    });
  }),
);

let tracing: InMemoryTracing;
const running: AuthMachineActor[] = [];

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  tracing = startInMemoryTracing();
});
afterEach(() => {
  for (const actor of running.splice(0)) actor.stop();
  seen.length = 0;
  tracing.reset();
});
afterAll(async () => {
  server.close();
  await tracing.stop();
});

test('10 concurrent 401s: 10 traces of a parent, the 401 attempt and the resend; one reissue span joined by 9; traceparent on every request', async () => {
  const tracer = createOtelTracer();
  const actor: AuthMachineActor = createActor(
    authMachine.provide({
      actors: {
        reissue: fromPromise(({ input, signal }) =>
          requestReissue(input, signal, {
            user: sessionUserSchema,
            baseUrl: APP,
            locks: null,
            traceHeaders: () => tracer.headers(),
          }),
        ),
      },
      actions: { persistSession: () => {}, signOut: () => {} },
    }),
  ).start();
  running.push(actor);
  actor.send({
    type: 'SESSION_UPDATE',
    session: { accessToken: 'token-1', accessTokenExpiresAt: Date.now() + 15 * 60_000, user },
  });
  const api = axios.create({ baseURL: API });
  attachAuthInterceptors(api, actorTokenSource(actor, { tracer }), { tracer });

  const results = await Promise.all(Array.from({ length: 10 }, () => api.get('/users/me')));
  expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));

  const spans = tracing.spans();
  const parents = spans.filter((s) => s.name === 'api.request');
  expect(parents).toHaveLength(10);
  expect(new Set(parents.map((p) => p.spanContext().traceId)).size).toBe(10);
  for (const parent of parents) {
    expect(parent.parentSpanContext).toBeUndefined();
    const attempts = spans.filter(
      (s) => s.name === 'GET' && s.parentSpanContext?.spanId === parent.spanContext().spanId,
    );
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([401, 200]);
    expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    // Each attempt sent its own span as the parent of what the API does.
    for (const attempt of attempts) {
      const sent = seen.filter(
        (r) => r.what === 'api' && parentIdOf(r.traceparent) === attempt.spanContext().spanId,
      );
      expect(sent).toHaveLength(1);
    }
  }

  const reissues = spans.filter((s) => s.name === 'reissue');
  expect(reissues).toHaveLength(1);
  const [reissue] = reissues;
  expect(reissue!.attributes).toMatchObject({
    'reissue.path': 'browser-route',
    'reissue.outcome': 'rotated',
    'reissue.joined': 9,
  });
  // The reissue lives in the trace of the request whose 401 started it, under its parent.
  expect(parents.map((p) => p.spanContext().spanId)).toContain(reissue!.parentSpanContext?.spanId);
  const posted = seen.filter((r) => r.what === 'reissue');
  expect(posted.map((r) => parentIdOf(r.traceparent))).toEqual([reissue!.spanContext().spanId]);
});

test('authFetch: the 401 attempt and the resend under one parent, each sending its traceparent', async () => {
  let token = 'token-1';
  const source: TokenSource = {
    isRenewing: () => false,
    acquire: async () => token,
    renew: async () => (token = CURRENT),
  };
  const authFetch = createAuthFetch(source, { baseUrl: API, tracer: createOtelTracer() });

  expect((await authFetch('/users/me')).status).toBe(200);

  const [parent] = tracing.spans().filter((s) => s.name === 'api.request');
  const attempts = tracing.spans().filter((s) => s.name === 'GET');
  expect(attempts.map((a) => a.parentSpanContext?.spanId)).toEqual([
    parent!.spanContext().spanId,
    parent!.spanContext().spanId,
  ]);
  expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
  expect(seen.map((r) => [r.status, parentIdOf(r.traceparent)])).toEqual(
    attempts.map((a) => [a.attributes['http.response.status_code'], a.spanContext().spanId]),
  );
  for (const span of tracing.spans()) {
    expect(JSON.stringify(span.attributes)).not.toMatch(/token-1|token-2|:\/\//);
  }
});
