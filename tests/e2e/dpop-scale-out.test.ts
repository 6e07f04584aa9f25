import { generateKeyPairSync } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { importDpopServerKey, type DpopServerKey } from 'token-reissue/server';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import type { StandaloneRedis } from '../support/redis-server';
import { boundTo, dpopAuth, proof } from '../backend/dpop-support';
import {
  CookieJar,
  decodeSession,
  launchChromium,
  reissueOutcomes,
  signInWithPassword,
  sleepUntil,
} from './harness';
import { navigate, signedInDebugTabs } from './scale-out-suite';
import { eventually } from './waits';

/**
 * DPoP across processes: three `next start` processes behind one origin share one Redis and
 * one server key, in front of a strict API (no reuse grace window) that demands DPoP for every
 * token. Each rotation answers the browser's and the server's access token at once; page loads
 * on any process (the proxy, `serverFetch`) and bursts in five tabs still cost one rotation
 * each and no reuse.
 */
const APPS = 3;
let stack: ScaleOutStack<StandaloneRedis>;
let serverKey: DpopServerKey;

beforeAll(async () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  serverKey = await importDpopServerKey(pem);
  stack = await startScaleOutStack({
    apps: APPS,
    redis: 'standalone',
    apiEnv: { ACCESS_TOKEN_TTL: '20', REUSE_GRACE_SECONDS: '0', DPOP_REQUIRED: '1' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2', DPOP_SERVER_KEY: pem },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** A call as the Next server makes it: its bound token, a proof of its key. */
async function asServer(method: string, path: string, token: string, body?: unknown) {
  const url = `${stack.api.url}${path}`;
  return fetch(url, {
    method,
    headers: {
      ...dpopAuth(token, await proof(serverKey.keyPair, method, url, { accessToken: token })),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function loadAll(jar: CookieJar, count: number) {
  const responses = await Promise.all(Array.from({ length: count }, () => navigate(stack, jar)));
  return { responses, pages: await Promise.all(responses.map((r) => r.text())) };
}

test('30 page loads after expiry, then 30 after the server token was revoked: one rotation per round for both tokens, no reuse, 30 × 200', async () => {
  const { origin, api, secret } = stack;
  const jar = await signInWithPassword(origin.url);
  const session = await decodeSession(jar, secret);
  expect(boundTo(session.serverAccessToken!)).toBe(serverKey.jkt);
  const created = await asServer('POST', '/posts', session.serverAccessToken!, {
    title: `DPoP scale-out ${Math.random().toString(36).slice(2, 10)}`,
    body: 'Listed by serverFetch with the server-bound token.',
  });
  expect(created.status).toBe(201);
  const post = (await created.json()) as { title: string };

  await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
  const before = await reissueOutcomes(api.url);
  const expired = await loadAll(jar, 30);
  const afterExpiry = await reissueOutcomes(api.url);
  console.log(
    `DPoP, 30 loads after expiry: statuses ${[...new Set(expired.responses.map((r) => r.status))].join(',')}, rotated ${afterExpiry.rotated - before.rotated}, reuse ${afterExpiry.reuse_detected - before.reuse_detected}, per process ${origin.counts.join('/')}`,
  );
  expect(expired.responses.map((r) => r.status)).toEqual(Array(30).fill(200));
  for (const html of expired.pages) expect(html).toContain(post.title);
  expect(afterExpiry.rotated - before.rotated).toBe(1);
  expect(afterExpiry.reuse_detected - before.reuse_detected).toBe(0);
  jar.store(expired.responses[0]!);
  const renewed = await decodeSession(jar, secret);
  expect(boundTo(renewed.serverAccessToken!)).toBe(serverKey.jkt);

  const revoked = await asServer('POST', '/debug/expire-access-token', renewed.serverAccessToken!);
  expect(revoked.status).toBe(204);
  const again = await loadAll(jar, 30);
  const afterRevocation = await reissueOutcomes(api.url);
  console.log(
    `DPoP, 30 loads after the server token was revoked: statuses ${[...new Set(again.responses.map((r) => r.status))].join(',')}, rotated ${afterRevocation.rotated - afterExpiry.rotated}, reuse ${afterRevocation.reuse_detected - afterExpiry.reuse_detected}`,
  );
  expect(again.responses.map((r) => r.status)).toEqual(Array(30).fill(200));
  for (const html of again.pages) expect(html).toContain(post.title);
  expect(afterRevocation.rotated - afterExpiry.rotated).toBe(1);
  expect(afterRevocation.reuse_detected).toBe(before.reuse_detected);
});

test('5 tabs firing 20 clientAuth requests each after revocation, across 3 processes: 100 succeed with the browser-bound token, 1 rotation, no reuse', async () => {
  const { origin, api } = stack;
  const browser = await launchChromium();
  try {
    const tabs = await signedInDebugTabs(browser, origin.url, 5);
    const [first] = tabs;
    // The first requests get the browser its own bound token (one rotation, shared by the tabs).
    const fire = (tab: Page) =>
      tab.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
    const settled = async (n: number) => {
      const results: string[] = [];
      for (const tab of tabs) {
        await eventually(() => tab.getByTestId('burst-result').textContent(), {
          timeoutMs: 60_000,
        }).toMatch(new RegExp(`^Burst ${n}: .*succeeded`));
        results.push((await tab.getByTestId('burst-result').textContent()) ?? '');
      }
      return results;
    };
    const start = await reissueOutcomes(api.url);
    await Promise.all(tabs.map(fire));
    const bound = await settled(1);
    const afterBinding = await reissueOutcomes(api.url);

    await first.getByRole('button', { name: 'Expire my access token now' }).click();
    await eventually(() => first.getByTestId('expire-result').textContent(), {
      timeoutMs: 60_000,
    }).toContain('revoked');
    await Promise.all(tabs.map(fire));
    const results = await settled(2);
    const after = await reissueOutcomes(api.url);
    console.log(
      `DPoP, 5 tabs × 20 requests: binding ${bound.join(' | ')} (rotated ${afterBinding.rotated - start.rotated}); after revocation ${results.join(' | ')}; rotated ${after.rotated - afterBinding.rotated}, reuse ${after.reuse_detected - start.reuse_detected}, per process ${origin.counts.join('/')}`,
    );
    expect(bound).toEqual(Array(5).fill('Burst 1: 20 succeeded, 0 failed.'));
    expect(afterBinding.rotated - start.rotated).toBe(1);
    expect(results).toEqual(Array(5).fill('Burst 2: 20 succeeded, 0 failed.'));
    expect(after.rotated - afterBinding.rotated).toBe(1);
    expect(after.reuse_detected - start.reuse_detected).toBe(0);
    await first.context().close();
  } finally {
    await browser.close();
  }
});
