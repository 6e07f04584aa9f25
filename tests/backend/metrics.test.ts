import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '@/backend/seed';
import { bearer, metric, postJson, reissue, signUp, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('GET /metrics', () => {
  it('serves Prometheus text with every reissue and login outcome present from the start', async () => {
    const response = await fetch(`${server.url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const outcome of ['rotated', 'grace', 'reuse_detected', 'invalid']) {
      expect(text).toContain(`auth_reissue_total{outcome="${outcome}"}`);
    }
    for (const outcome of ['success', 'invalid_credentials', 'rate_limited']) {
      expect(text).toContain(`auth_login_total{outcome="${outcome}"}`);
    }
    expect(text).toContain('# TYPE api_requests_total counter');
  });

  it('counts reissues as rotated, grace, reuse_detected and invalid', async () => {
    const before = {
      rotated: await metric(server, 'auth_reissue_total', { outcome: 'rotated' }),
      grace: await metric(server, 'auth_reissue_total', { outcome: 'grace' }),
      reuse: await metric(server, 'auth_reissue_total', { outcome: 'reuse_detected' }),
      invalid: await metric(server, 'auth_reissue_total', { outcome: 'invalid' }),
    };
    const login = await signUp(server, 'metrics');

    const second = await (await reissue(server, login.refreshToken)).json(); // rotated
    await Promise.all([reissue(server, login.refreshToken), reissue(server, login.refreshToken)]); // grace ×2
    await reissue(server, second.refreshToken); // rotated
    await reissue(server, login.refreshToken); // older than the immediate parent: reuse_detected
    await reissue(server, second.refreshToken); // family revoked: invalid
    await reissue(server, 'never-issued'); // invalid

    expect(await metric(server, 'auth_reissue_total', { outcome: 'rotated' })).toBe(
      before.rotated + 2,
    );
    expect(await metric(server, 'auth_reissue_total', { outcome: 'grace' })).toBe(before.grace + 2);
    expect(await metric(server, 'auth_reissue_total', { outcome: 'reuse_detected' })).toBe(
      before.reuse + 1,
    );
    expect(await metric(server, 'auth_reissue_total', { outcome: 'invalid' })).toBe(
      before.invalid + 2,
    );
  });

  it('counts logins by outcome', async () => {
    const success = await metric(server, 'auth_login_total', { outcome: 'success' });
    const wrong = await metric(server, 'auth_login_total', { outcome: 'invalid_credentials' });

    await postJson(`${server.url}/auth/login`, {
      email: DEMO_USER.email,
      password: DEMO_USER.password,
    });
    await postJson(`${server.url}/auth/login`, {
      email: DEMO_USER.email,
      password: 'wrong-password',
    });
    await postJson(`${server.url}/auth/login`, {
      email: 'nobody@example.com',
      password: 'wrong-password',
    });

    expect(await metric(server, 'auth_login_total', { outcome: 'success' })).toBe(success + 1);
    expect(await metric(server, 'auth_login_total', { outcome: 'invalid_credentials' })).toBe(
      wrong + 2,
    );
  });

  it('labels requests by route pattern, method and status, not by raw URL', async () => {
    const { accessToken } = await signUp(server, 'routes');
    const post = await (
      await postJson(`${server.url}/posts`, { title: 't', body: '' }, bearer(accessToken))
    ).json();
    const deletes = await metric(server, 'api_requests_total', {
      route: '/posts/:id',
      method: 'DELETE',
      status: '204',
    });

    await fetch(`${server.url}/posts/${post.id}`, {
      method: 'DELETE',
      headers: bearer(accessToken),
    });
    await fetch(`${server.url}/no/such/route/${post.id}`);

    expect(
      await metric(server, 'api_requests_total', {
        route: '/posts/:id',
        method: 'DELETE',
        status: '204',
      }),
    ).toBe(deletes + 1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain(post.id);
    expect(text).toContain('api_requests_total{route="unmatched",method="GET",status="404"}');
  });

  it('keeps each app’s counters separate when two run in one process', async () => {
    const other = await startServer();
    try {
      const before = await metric(server, 'auth_login_total', { outcome: 'success' });

      await postJson(`${other.url}/auth/login`, {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      });

      expect(await metric(other, 'auth_login_total', { outcome: 'success' })).toBe(1);
      expect(await metric(server, 'auth_login_total', { outcome: 'success' })).toBe(before);
    } finally {
      await other.close();
    }
  });
});
