/**
 * What an operator sees, on the real stack with tracing on: an OTLP/HTTP JSON receiver this test
 * starts takes the spans of Chromium, the Next server and the API; a real Prometheus scrapes the
 * app and the API. One stack for the file: a burst after revocation, then the scrapes, then the
 * alert rules through promtool.
 */
import { randomBytes } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { fileURLToPath } from 'node:url';
import { prometheusBinaries, promtool, startPrometheus } from '../support/prometheus';
import {
  CookieJar,
  decodeSession,
  DEMO,
  launchChromium,
  machineState,
  signInThroughForm,
  signInWithPassword,
  startStack,
  type Stack,
} from './harness';
import { eventually, stepTrace } from './waits';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const BROWSER = 'token-reissue-browser';
const APP = 'token-reissue-app';
const API = 'token-reissue-api';
/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let stack: Stack;
let browser: Browser;

const ALERTS = fileURLToPath(new URL('../../docs/alerts.yml', import.meta.url));
const ALERT_TESTS = fileURLToPath(new URL('../../docs/alerts.test.yml', import.meta.url));

beforeAll(async () => {
  prometheusBinaries();
  receiver = await startOtlpReceiver();
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
  stack = await startStack({
    apiEnv: otlp,
    appEnv: { ...otlp, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', METRICS_TOKEN },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.stop();
});

async function browserSession(context: BrowserContext): Promise<JWT> {
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), stack.secret);
}

const byTrace = (spans: ReceivedSpan[]) => {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
};

test('a burst of 20 after revocation: one trace per request across browser, Next and API', async () => {
  const step = stepTrace();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  // The runtime (and with it the tracer) is loaded before the actor hears of the session.
  await eventually(() => machineState(page)).toMatch(/authenticated/);
  step('signed in, /debug');
  const signedIn = await browserSession(context);

  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toMatch(/revoked/);
  const started = receiver.spans().length;
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  step('burst done');
  const renewed = await browserSession(context);
  expect(renewed.refreshToken).not.toBe(signedIn.refreshToken);

  // Every request of the burst is a trace of its own, rooted in the browser: 20 roots, each
  // with its API spans. At most 6 leave at once (the tab's in-flight limit): those get the 401
  // and are resent; the rest wait for the reissue in the queue and leave with the new token.
  const burstTraces = () =>
    [...byTrace(receiver.spans().slice(started)).values()].filter((trace) =>
      trace.some(
        (s) =>
          s.service === BROWSER &&
          s.name === 'api.request' &&
          s.attributes['http.request.method'] === 'GET',
      ),
    );
  const apiRequests = (trace: ReceivedSpan[]) =>
    trace.filter(
      (s) => s.service === API && s.kind === SERVER && s.attributes['http.route'] === '/users/me',
    );
  const browserAttempts = (trace: ReceivedSpan[]) =>
    trace.filter((s) => s.service === BROWSER && s.kind === CLIENT);
  await eventually(
    () =>
      burstTraces().filter(
        (trace) =>
          browserAttempts(trace).length > 0 &&
          apiRequests(trace).length === browserAttempts(trace).length,
      ).length,
    { message: 'every burst trace exported by the browser and the API' },
  ).toBe(20);
  // The Next server exports in batches of its own: wait for the reissue's spans.
  await eventually(
    () =>
      receiver
        .spans()
        .slice(started)
        .filter((s) => s.name === 'reissue' && s.service === APP).length,
    { message: "the Next server's reissue span exported" },
  ).toBe(1);
  step('spans exported');
  const spans = receiver.spans().slice(started);
  const burst = burstTraces();
  expect(burst).toHaveLength(20);

  let resentTraces = 0;
  for (const trace of burst) {
    const [root, ...others] = trace.filter((s) => s.service === BROWSER && !s.parentSpanId);
    expect(others).toEqual([]);
    expect(root).toMatchObject({
      name: 'api.request',
      attributes: { 'http.request.method': 'GET' },
    });
    const attempts = browserAttempts(trace);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(root!.spanId);
    const statuses = attempts.map((a) => a.attributes['http.response.status_code']);
    // Semantic conventions' authorization retry: the 401 attempt, then the resend, one parent.
    if (statuses.length === 2) {
      resentTraces++;
      expect(statuses).toEqual([401, 200]);
      expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([
        undefined,
        1,
      ]);
    } else {
      expect(statuses).toEqual([200]);
    }
    // The API's spans continue the browser's trace, each under the attempt that reached it.
    expect(
      apiRequests(trace)
        .map((s) => [s.parentSpanId, s.attributes['http.response.status_code']])
        .sort(),
    ).toEqual(attempts.map((a) => [a.spanId, a.attributes['http.response.status_code']]).sort());
  }
  expect(resentTraces).toBeGreaterThanOrEqual(1);

  // One request's 401 started the reissue; the others joined it. Its trace runs on into Next.
  const withReissue = burst.filter((trace) =>
    trace.some((s) => s.service === BROWSER && s.name === 'reissue'),
  );
  expect(withReissue).toHaveLength(1);
  const trace = withReissue[0]!;
  const browserReissue = trace.find((s) => s.service === BROWSER && s.name === 'reissue')!;
  const joined = Number(browserReissue.attributes['reissue.joined']);
  console.log(
    `burst: ${burst.length} traces, ${resentTraces} resent after a 401; the browser's reissue joined ${joined} requests`,
  );
  expect(browserReissue.attributes).toMatchObject({
    'reissue.path': 'browser-route',
    'reissue.outcome': 'rotated',
  });
  // Every other request that got a 401 waited for this reissue; so did some of the queued ones.
  expect(joined).toBeGreaterThanOrEqual(resentTraces - 1);
  expect(joined).toBeLessThanOrEqual(19);
  const route = trace.find((s) => s.service === APP && s.kind === SERVER)!;
  expect(route).toMatchObject({
    name: 'POST /api/auth/reissue',
    parentSpanId: browserReissue.spanId,
  });
  const nextReissue = trace.find((s) => s.service === APP && s.name === 'reissue')!;
  expect(nextReissue.attributes).toMatchObject({
    'reissue.path': 'browser-route',
    'reissue.outcome': 'rotated',
    'reissue.joined': 0,
  });
  const apiCall = trace.find((s) => s.service === APP && s.kind === CLIENT && s.name === 'POST')!;
  expect(apiCall.parentSpanId).toBe(nextReissue.spanId);
  expect(
    trace.find((s) => s.service === API && s.attributes['http.route'] === '/auth/reissue'),
  ).toMatchObject({ kind: SERVER, parentSpanId: apiCall.spanId });

  // No span carries a token, the email or a URL.
  const secrets = [
    signedIn.accessToken,
    signedIn.refreshToken,
    renewed.accessToken,
    renewed.refreshToken,
    DEMO.email,
  ];
  for (const span of spans) {
    const text = JSON.stringify([span.name, span.attributes]);
    for (const secret of secrets) expect(text, span.name).not.toContain(secret);
    expect(text, span.name).not.toContain('://');
  }
  expect(receiver.rejected()).toEqual([]);
  await context.close();
});

test('a tab whose refresh token was revoked reports the ended session through the beacon route, and the reissue counts as expired', async () => {
  const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
  const ended = 'token_reissue_browser_reports_total{event="session_ended"}';
  const expired = 'token_reissue_reissues_total{path="browser-route",outcome="expired"}';
  const read = async () => (await scrape(`${stack.app.url}/api/metrics`, bearer)).text();
  const before = await read();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toMatch(/authenticated/);
  const session = await browserSession(context);
  const loggedOut = await fetch(`${stack.api.url}/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  expect(loggedOut.status).toBe(204);
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toMatch(/revoked/);
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => machineState(page)).toMatch(/expired/);

  await eventually(async () => sample(await read(), ended)).toBe(sample(before, ended) + 1);
  expect(sample(await read(), expired)).toBe(sample(before, expired) + 1);
  await context.close();
});

/** The value of one series in a Prometheus text exposition (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Every label value in an exposition. */
function labelValues(text: string): string[] {
  return [...text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => m[2]!);
}

const scrape = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, signal: AbortSignal.timeout(15_000) });

test('/api/metrics answers 401 without the token; Prometheus scrapes the app and the API and returns the reissues this test caused; promtool accepts both expositions', async () => {
  const appMetrics = `${stack.app.url}/api/metrics`;
  expect((await scrape(appMetrics)).status).toBe(401);
  expect(
    (await scrape(appMetrics, { authorization: 'Bearer wrong-token-of-some-length' })).status,
  ).toBe(401);
  const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
  const first = await scrape(appMetrics, bearer);
  expect(first.status).toBe(200);
  expect(first.headers.get('cache-control')).toBe('no-store');
  const rotatedSeries = 'token_reissue_reissues_total{path="browser-route",outcome="rotated"}';
  const apiRotatedSeries = 'auth_reissue_total{outcome="rotated"}';
  const appBefore = sample(await first.text(), rotatedSeries);
  const apiBefore = sample(
    await (await scrape(`${stack.api.url}/metrics`)).text(),
    apiRotatedSeries,
  );

  const prometheus = await startPrometheus(
    [
      {
        name: 'app',
        target: new URL(stack.app.url).host,
        path: '/api/metrics',
        bearer: METRICS_TOKEN,
      },
      { name: 'api', target: new URL(stack.api.url).host },
    ],
    [ALERTS],
  );
  try {
    // A reissue through the route the browser uses, after the API revoked the access token.
    const jar = await signInWithPassword(stack.app.url);
    const session = await decodeSession(jar, stack.secret);
    await fetch(`${stack.api.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    const reissued = await fetch(`${stack.app.url}/api/auth/reissue`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'x-auth-reissue': '1', accept: 'application/json' },
    });
    expect(reissued.status).toBe(200);

    const appText = await (await scrape(appMetrics, bearer)).text();
    const apiText = await (await scrape(`${stack.api.url}/metrics`)).text();
    const appAfter = sample(appText, rotatedSeries);
    const apiAfter = sample(apiText, apiRotatedSeries);
    expect(appAfter).toBe(appBefore + 1);
    expect(apiAfter).toBe(apiBefore + 1);

    const read = async (promql: string) => (await prometheus.query(promql))[0]?.value;
    await eventually(() => prometheus.targets()).toEqual({ app: 'up', api: 'up' });
    await eventually(() =>
      read('sum(token_reissue_reissues_total{job="app",path="browser-route",outcome="rotated"})'),
    ).toBe(appAfter);
    await eventually(() => read('sum(auth_reissue_total{job="api",outcome="rotated"})')).toBe(
      apiAfter,
    );
    console.log(
      `Prometheus: app rotated ${appAfter} (before ${appBefore}), API rotated ${apiAfter} (before ${apiBefore})`,
    );

    for (const [name, text] of [
      ['app', appText],
      ['api', apiText],
    ] as const) {
      const checked = promtool(['check', 'metrics'], text);
      expect(checked.output, `promtool check metrics (${name})`).toBe('');
      expect(checked.code, `promtool check metrics (${name})`).toBe(0);
    }

    // No label carries a token, an email or a URL.
    const secrets = [session.accessToken, session.refreshToken, DEMO.email, METRICS_TOKEN];
    const values = labelValues(appText);
    expect(values.length).toBeGreaterThan(20);
    for (const value of values) {
      for (const secret of secrets) expect(value).not.toContain(secret);
      expect(value).not.toMatch(/:\/\/|@/);
    }
  } finally {
    await prometheus.stop();
  }
});

test('the alert rules pass promtool check rules and promtool test rules', () => {
  const checked = promtool(['check', 'rules', ALERTS]);
  expect(checked.code, checked.output).toBe(0);
  const tested = promtool(['test', 'rules', ALERT_TESTS]);
  expect(tested.code, tested.output).toBe(0);
  console.log(tested.output.trim());
});
