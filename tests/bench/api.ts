/**
 * The API every benchmark client talks to: the reference backend, in this process, rotating
 * strictly (REUSE_GRACE_SECONDS=0: a replayed refresh token revokes its family). A small
 * proxy in front can hold back reissues and chosen responses, to stage late and stale 401s.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/backend/app';
import { loadConfig } from '@/backend/config';
import type { TokenResponse } from '@/backend/services';

export const PASSWORD = 'correct horse battery';
/** A request with this header gets its response this many ms late (through the proxy only). */
export const DELAY_HEADER = 'x-bench-delay-ms';

export interface ApiCounts {
  reissues: number;
  reuseDetected: number;
  unauthorized: number;
}

export interface BenchApi {
  url: string;
  /** The proxy's URL: same API, with `reissueDelayMs` and DELAY_HEADER applied. */
  proxyUrl: string;
  email: string;
  reissueDelayMs: number;
  /** Resolves when the proxy next sees POST /auth/reissue arrive. */
  nextReissue(): Promise<void>;
  counts(): Promise<ApiCounts>;
  /** Logs in; with a DPoP proof for /auth/login the access token is bound to its key. */
  login(dpopProof?: string): Promise<TokenResponse>;
  /** Makes the API reject this access token from now on, as if it had expired. */
  expire(accessToken: string): Promise<void>;
  /** True if the refresh token still rotates: the session is alive. */
  alive(refreshToken: string): Promise<boolean>;
  close(): Promise<void>;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function sumMetric(text: string, name: string, labels: string[]): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (labels.every((label) => line.includes(label))) total += Number(line.split(' ').pop());
  }
  return total;
}

export async function startApi(accessTokenTtlSeconds: number): Promise<BenchApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-api-'));
  const config = loadConfig({
    BACKEND_DATA_DIR: dataDir,
    ACCESS_TOKEN_TTL: String(accessTokenTtlSeconds),
    REUSE_GRACE_SECONDS: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    ENABLE_DEBUG_ROUTES: '1',
  });
  const app: FastifyInstance = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const apiPort = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${apiPort}`;

  let waiters: (() => void)[] = [];
  const proxy: Server = createServer((incoming, outgoing) => {
    const isReissue = incoming.url === '/auth/reissue';
    if (isReissue) {
      for (const wake of waiters) wake();
      waiters = [];
    }
    const holdResponse = Number(incoming.headers[DELAY_HEADER] ?? 0);
    const forward = () => {
      const upstream = httpRequest(
        {
          port: apiPort,
          host: '127.0.0.1',
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (response) => {
          const send = () => {
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(outgoing);
          };
          if (holdResponse > 0) setTimeout(send, holdResponse);
          else send();
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    };
    if (isReissue && api.reissueDelayMs > 0) setTimeout(forward, api.reissueDelayMs);
    else forward();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const email = `bench-${process.pid}-${accessTokenTtlSeconds}-${Date.now()}@example.com`;
  const signup = await post(`${url}/auth/signup`, { email, password: PASSWORD, penName: 'Bench' });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status}`);

  const api: BenchApi = {
    url,
    proxyUrl,
    email,
    reissueDelayMs: 0,
    nextReissue: () => new Promise((resolve) => waiters.push(resolve)),
    async counts() {
      const text = await (await fetch(`${url}/metrics`)).text();
      return {
        reissues: sumMetric(text, 'auth_reissue_total', ['outcome="rotated"']),
        reuseDetected: sumMetric(text, 'auth_reissue_total', ['outcome="reuse_detected"']),
        unauthorized: sumMetric(text, 'api_requests_total', ['route="/users/me"', 'status="401"']),
      };
    },
    async login(dpopProof) {
      const response = await post(
        `${url}/auth/login`,
        { email, password: PASSWORD },
        dpopProof ? { dpop: dpopProof } : {},
      );
      if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
      return (await response.json()) as TokenResponse;
    },
    async expire(accessToken) {
      const response = await post(`${url}/debug/expire-access-token`, undefined, {
        authorization: `Bearer ${accessToken}`,
      });
      if (response.status !== 204) throw new Error(`expire failed: ${response.status}`);
    },
    async alive(refreshToken) {
      return (await post(`${url}/auth/reissue`, { refreshToken })).status === 200;
    },
    async close() {
      await new Promise((resolve) => proxy.close(resolve));
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return api;
}
