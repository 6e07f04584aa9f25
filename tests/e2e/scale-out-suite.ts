import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import type { ScaleOutStack } from '../support/scale-out';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  DEMO,
  launchChromium,
  postCredentials,
  reissueOutcomes,
  signInWithPassword,
  sleepUntil,
  writesSessionCookie,
} from './harness';
import { eventually } from './waits';

/**
 * What several `next start` processes sharing one Redis must hold against a strict API (no
 * reuse grace window: a replayed refresh token revokes the family), whatever the topology:
 * one rotation per round of concurrent page loads, one per burst of five tabs, and reissue
 * tickets that are single use and never stale on any process. Registered by one test file per
 * topology (scale-out.test.ts: one server; scale-out-cluster.test.ts: a 3-primary Cluster), so
 * the assertions are the same ones. Access tokens live 20 s, the proxy reissues with 2 s left.
 */
export const SCALE_OUT_ENV = {
  apiEnv: { ACCESS_TOKEN_TTL: '20', REUSE_GRACE_SECONDS: '0' },
  appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2' },
};

type Stack = ScaleOutStack<{ dump: () => Promise<Record<string, string>> }>;

/** `count` tabs of one browser context, signed in as the demo user, each on the live panel. */
export async function signedInDebugTabs(
  browser: Browser,
  originUrl: string,
  count: number,
): Promise<[Page, ...Page[]]> {
  const context = await browser.newContext();
  const tabs: Page[] = [];
  for (let i = 0; i < count; i++) tabs.push(await context.newPage());
  const [first] = tabs as [Page, ...Page[]];
  await first.goto(`${originUrl}/signin`);
  await first.getByLabel('Email').fill(DEMO.email);
  await first.getByLabel('Password').fill(DEMO.password);
  await first.getByRole('button', { name: 'Sign in' }).click();
  await first.waitForURL(`${originUrl}/`, { timeout: 60_000 });
  for (const tab of tabs) {
    await tab.goto(`${originUrl}/debug`, { timeout: 60_000 });
    await tab.getByTestId('session-alerts').waitFor({ state: 'attached', timeout: 60_000 });
  }
  return tabs as [Page, ...Page[]];
}

/** A page navigation as a browser without JavaScript makes it: the session cookie, no redirects followed. */
export function navigate(stack: Stack, jar: CookieJar, path = '/'): Promise<Response> {
  return fetch(`${stack.origin.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), accept: 'text/html' },
    signal: AbortSignal.timeout(60_000),
  });
}

async function loadAll(stack: Stack, jar: CookieJar, count: number) {
  const responses = await Promise.all(Array.from({ length: count }, () => navigate(stack, jar)));
  const pages = await Promise.all(responses.map((r) => r.text()));
  return { responses, pages, statuses: responses.map((r) => r.status) };
}

export async function revokeAccessToken(apiUrl: string, accessToken: string) {
  const response = await fetch(`${apiUrl}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(response.status).toBe(204);
}

/** POST /api/auth/reissue on one process, as the browser's reissue client sends it. */
function postReissue(appUrl: string, jar: CookieJar): Promise<Response> {
  return fetch(`${appUrl}/api/auth/reissue`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'x-auth-reissue': '1', accept: 'application/json' },
  });
}

export function scaleOutSuite(stack: () => Stack, apps: number) {
  test('30 concurrent page loads right after expiry, then 30 after the access token was revoked: one rotation per round, no reuse, 30 × 200; the next page load needs no reissue', async () => {
    const { origin, api, secret } = stack();
    const jar = await signInWithPassword(origin.url);
    const session = await decodeSession(jar, secret);
    const post = await createPostOnApi(api.url, session.accessToken, {
      title: `Scale-out ${Math.random().toString(36).slice(2, 10)}`,
      body: 'Rendered by whichever process the origin picked.',
    });

    // Round 1: the access token expired (by the proxy's margin) on every process at once.
    await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
    const before = await reissueOutcomes(api.url);
    const expired = await loadAll(stack(), jar, 30);
    const afterExpiry = await reissueOutcomes(api.url);
    console.log(
      `30 loads after expiry: statuses ${[...new Set(expired.statuses)].join(',')}, rotated ${afterExpiry.rotated - before.rotated}, reuse ${afterExpiry.reuse_detected - before.reuse_detected}, per process ${origin.counts.join('/')}`,
    );
    expect(expired.statuses).toEqual(Array(30).fill(200));
    for (const html of expired.pages) expect(html).toContain(post.title);
    expect(afterExpiry.rotated - before.rotated).toBe(1);
    expect(afterExpiry.reuse_detected - before.reuse_detected).toBe(0);
    const successors = new Set<string>();
    for (const response of expired.responses) {
      successors.add((await decodeSession(new CookieJar().store(response), secret)).refreshToken);
    }
    expect(successors.size).toBe(1);
    jar.store(expired.responses[0]!);

    // Round 2: the new access token is revoked before its expiry; Server Components get 401s.
    const renewed = await decodeSession(jar, secret);
    await revokeAccessToken(api.url, renewed.accessToken);
    const revoked = await loadAll(stack(), jar, 30);
    const afterRevocation = await reissueOutcomes(api.url);
    console.log(
      `30 loads after revocation: statuses ${[...new Set(revoked.statuses)].join(',')}, rotated ${afterRevocation.rotated - afterExpiry.rotated}, reuse ${afterRevocation.reuse_detected - afterExpiry.reuse_detected}`,
    );
    expect(revoked.statuses).toEqual(Array(30).fill(200));
    for (const html of revoked.pages) expect(html).toContain(post.title);
    expect(afterRevocation.rotated - afterExpiry.rotated).toBe(1);
    expect(afterRevocation.reuse_detected - afterExpiry.reuse_detected).toBe(0);

    // The next page load on each process: no call to the API's reissue.
    for (let i = 0; i < apps; i++) {
      const next = await navigate(stack(), jar);
      expect(next.status).toBe(200);
      expect(await next.text()).toContain(post.title);
      jar.store(next);
    }
    const afterNext = await reissueOutcomes(api.url);
    console.log(
      `next ${apps} loads: rotated ${afterNext.rotated - afterRevocation.rotated}, reuse ${afterNext.reuse_detected - afterRevocation.reuse_detected}`,
    );
    expect(afterNext.rotated - afterRevocation.rotated).toBe(0);
    expect(afterNext.reuse_detected).toBe(before.reuse_detected);

    // Read Redis raw: the outcomes are there, but no refresh or access token in plain text.
    const latest = await decodeSession(jar, secret);
    const held = await stack().redis.dump();
    const keys = Object.keys(held);
    const dump = Object.entries(held)
      .map(([k, v]) => `${k} ${v}`)
      .join('\n');
    console.log(`Redis holds ${keys.length} keys: ${keys.join(', ')}`);
    expect(keys.filter((k) => k.endsWith(':outcome')).length).toBeGreaterThanOrEqual(2);
    for (const known of [session, renewed, latest]) {
      expect(dump).not.toContain(known.refreshToken);
      expect(dump).not.toContain(known.accessToken);
    }
  });

  test('5 tabs firing 20 clientAuth requests each after revocation: 100 succeed, 1 rotation', async () => {
    const { origin, api } = stack();
    const browser = await launchChromium();
    try {
      const tabs = await signedInDebugTabs(browser, origin.url, 5);
      const [first] = tabs;

      const before = await reissueOutcomes(api.url);
      await first.getByRole('button', { name: 'Expire my access token now' }).click();
      await eventually(() => first.getByTestId('expire-result').textContent(), {
        timeoutMs: 60_000,
      }).toContain('revoked');
      await Promise.all(
        tabs.map((tab) => tab.getByRole('button', { name: 'Fire 20 parallel requests' }).click()),
      );
      const results: string[] = [];
      for (const tab of tabs) {
        await eventually(() => tab.getByTestId('burst-result').textContent(), {
          timeoutMs: 60_000,
        }).toMatch(/succeeded/);
        results.push((await tab.getByTestId('burst-result').textContent()) ?? '');
      }
      const after = await reissueOutcomes(api.url);
      console.log(
        `5 tabs × 20 requests after revocation: ${results.join(' | ')}; rotated ${after.rotated - before.rotated}, reuse ${after.reuse_detected - before.reuse_detected}, per process ${origin.counts.join('/')}`,
      );
      expect(results).toEqual(Array(5).fill('Burst 1: 20 succeeded, 0 failed.'));
      expect(after.rotated - before.rotated).toBe(1);
      expect(after.reuse_detected - before.reuse_detected).toBe(0);
      await first.context().close();
    } finally {
      await browser.close();
    }
  });

  test('a reissue ticket claimed on process A is refused on B and C; a stale ticket is refused on every process', async () => {
    const { apps: running } = stack();
    const [a, b, c] = running.map((app) => app.url) as [string, string, string];
    const outputBefore = running.map((app) => app.output().length);
    const newOutput = (i: number) => running[i]!.output().slice(outputBefore[i]);
    const jar = await signInWithPassword(a);

    // Claimed on A, then presented again on B and on C.
    const reissued = await postReissue(a, jar);
    expect(reissued.status).toBe(200);
    jar.store(reissued);
    const { ticket } = (await reissued.json()) as { ticket: string };
    const claimed = await postCredentials(a, jar, { reissue: ticket });
    expect(claimed.status).toBe(200);
    expect(writesSessionCookie(claimed)).toBe(true);
    jar.store(claimed);
    for (const app of [b, c]) {
      const replay = await postCredentials(app, jar, { reissue: ticket });
      expect(replay.status).toBe(401);
      expect(writesSessionCookie(replay)).toBe(false);
    }
    for (const i of [1, 2]) expect(newOutput(i)).toContain('reissue ticket refused: replayed');

    // Stale: a ticket for the pair in a cookie whose refresh token A has rotated since (a
    // signIn that was delayed while another request reissued), presented on every process.
    const second = await postReissue(a, jar);
    expect(second.status).toBe(200);
    const { ticket: stale } = (await second.json()) as { ticket: string };
    const heldBack = jar.clone().store(second);
    const third = await postReissue(a, heldBack.clone());
    expect(third.status).toBe(200);
    for (const app of [a, b, c]) {
      const late = await postCredentials(app, heldBack.clone(), { reissue: stale });
      expect(late.status).toBe(401);
      expect(writesSessionCookie(late)).toBe(false);
    }
    for (const i of [0, 1, 2]) {
      expect(newOutput(i)).toContain('reissue ticket refused: stale');
    }
  });
}
