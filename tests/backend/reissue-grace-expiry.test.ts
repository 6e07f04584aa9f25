import { afterAll, beforeAll, expect, it } from 'vitest';
import { metric, reissue, signUp, sleep, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ REUSE_GRACE_SECONDS: 1 });
});
afterAll(async () => {
  await server.close();
});

it('revokes the whole family when the previous token is replayed after the grace window', async () => {
  const login = await signUp(server, 'late-replay');
  const rotated = await (await reissue(server, login.refreshToken)).json();
  await sleep(1_300);

  const replay = await reissue(server, login.refreshToken);

  expect(replay.status).toBe(401);
  expect(await replay.json()).toEqual({ error: 'invalid_grant' });
  expect(await metric(server, 'auth_reissue_total', { outcome: 'reuse_detected' })).toBe(1);
  const newest = await reissue(server, rotated.refreshToken);
  expect(newest.status).toBe(401);
  expect(await newest.json()).toEqual({ error: 'invalid_grant' });
  expect(await metric(server, 'auth_reissue_total', { outcome: 'invalid' })).toBe(1);
});

it('still continues the family for a replay that arrives inside the 1 s window', async () => {
  const login = await signUp(server, 'quick-replay');
  const rotated = await (await reissue(server, login.refreshToken)).json();

  const replay = await reissue(server, login.refreshToken);

  expect(replay.status).toBe(200);
  expect((await replay.json()).refreshToken).toBe(rotated.refreshToken);
});
