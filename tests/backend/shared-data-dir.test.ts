import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '@/backend/app';
import { loadConfig } from '@/backend/config';
import { DEMO_USER } from '@/backend/seed';

let dataDir: string;
let apps: FastifyInstance[];
let urls: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'backend-shared-'));
  const config = loadConfig({ BACKEND_DATA_DIR: dataDir });
  apps = await Promise.all([buildApp(config), buildApp(config)]);
  urls = await Promise.all(
    apps.map(async (app) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    }),
  );
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await rm(dataDir, { recursive: true, force: true });
});

it('two servers started together on one data directory share one key, one secret and one demo user', async () => {
  const [first, second] = urls as [string, string];
  const jwks = await Promise.all(
    urls.map(async (url) => (await fetch(`${url}/.well-known/jwks.json`)).json()),
  );
  const login = await (
    await fetch(`${first}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_USER.password }),
    })
  ).json();

  const me = await fetch(`${second}/users/me`, {
    headers: { authorization: `Bearer ${login.accessToken}` },
  });
  const rotated = await (
    await fetch(`${second}/auth/reissue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: login.refreshToken }),
    })
  ).json();
  const graceOnFirst = await (
    await fetch(`${first}/auth/reissue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: login.refreshToken }),
    })
  ).json();

  expect(jwks[0]).toEqual(jwks[1]);
  expect(me.status).toBe(200);
  expect(graceOnFirst.refreshToken).toBe(rotated.refreshToken);
});
