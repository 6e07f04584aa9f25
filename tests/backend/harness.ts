import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/backend/app';
import { loadConfig, type BackendConfig, type BackendEnv } from '@/backend/config';
import { DATABASE_FILE } from '@/backend/db';
import type { TokenResponse } from '@/backend/services';

/** A real listening API on a free port with its own temporary data directory. */
export interface TestServer {
  url: string;
  dataDir: string;
  config: BackendConfig;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServer(env: BackendEnv = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'backend-test-'));
  const config = loadConfig({
    BACKEND_DATA_DIR: dataDir,
    ENABLE_DEBUG_ROUTES: '1',
    // Most files sign up many users from one address; the rate-limit tests set their own.
    SIGNUP_RATE_LIMIT_PER_MINUTE: 10_000,
    ...env,
  });
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    config,
    app,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

let counter = 0;
/** A fresh email per call, so tests in one file never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

/** Signs up a new user and returns the token response; throws unless the API answers 201. */
export async function signUp(server: TestServer, label = 'user'): Promise<TokenResponse> {
  const response = await postJson(`${server.url}/auth/signup`, {
    email: uniqueEmail(label),
    password: 'correct horse battery',
    penName: `Writer ${label}`,
  });
  if (response.status !== 201)
    throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export async function reissue(server: TestServer, refreshToken: string): Promise<Response> {
  return postJson(`${server.url}/auth/reissue`, { refreshToken });
}

/** Sums the samples of a metric from GET /metrics whose labels include `labels`. */
export async function metric(
  server: TestServer,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf(' '));
    if (wanted.every((pair) => labelText.includes(pair)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Row count of a table, read straight from the server's SQLite file. */
export function countRows(server: TestServer, table: string): number {
  const db = new Database(path.join(server.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
