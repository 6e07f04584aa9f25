/**
 * One stack per API adapter, behind one small interface, so the same browser assertions run
 * against the reference API (a child process, counters from its /metrics) and the Spring-style
 * test API (in this process, counters read directly).
 */
import { randomBytes } from 'node:crypto';
import { freePort, startApp, type Running } from '../../scripts/stack';
import { startSpringApi } from '../support/spring-api/server';
import { DEMO, reissueOutcomes, requestCount, startStack } from './harness';

export interface AdapterStack {
  adapter: 'reference' | 'spring-style';
  apiUrl: string;
  app: Running;
  secret: string;
  /** Successful rotations and reuse detections so far. */
  reissues(): Promise<{ succeeded: number; reuseDetected: number }>;
  /**
   * Answers for a route pattern, method and status. `browser` counts only requests the page
   * made (CORS): the spring-style adapter also calls /users/me from the Next server after each
   * rotation; the reference adapter never does, so its totals are the browser's.
   */
  requests(route: string, method: string, status: number, browser?: boolean): Promise<number>;
  stop(): Promise<void>;
}

export interface AdapterStackOptions {
  accessTtlSeconds: number;
  appEnv: Record<string, string>;
}

export async function startReferenceStack(options: AdapterStackOptions): Promise<AdapterStack> {
  const stack = await startStack({
    apiEnv: { ACCESS_TOKEN_TTL: String(options.accessTtlSeconds) },
    appEnv: { ...options.appEnv, AUTH_BACKEND: 'reference' },
  });
  return {
    adapter: 'reference',
    apiUrl: stack.api.url,
    app: stack.app,
    secret: stack.secret,
    async reissues() {
      const outcomes = await reissueOutcomes(stack.api.url);
      return {
        succeeded: outcomes.rotated + outcomes.grace,
        reuseDetected: outcomes.reuse_detected,
      };
    },
    requests: (route, method, status) => requestCount(stack.api.url, route, method, status),
    stop: stack.stop,
  };
}

export async function startSpringStyleStack(options: AdapterStackOptions): Promise<AdapterStack> {
  const port = await freePort();
  const api = await startSpringApi({
    accessTtlSeconds: options.accessTtlSeconds,
    corsOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    users: [DEMO],
  });
  const secret = randomBytes(32).toString('base64url');
  let app: Running;
  try {
    app = await startApp({
      mode: 'start',
      port,
      backendUrl: api.url,
      secret,
      env: { ...options.appEnv, AUTH_BACKEND: 'spring-style' },
    });
  } catch (error) {
    await api.stop();
    throw error;
  }
  return {
    adapter: 'spring-style',
    apiUrl: api.url,
    app,
    secret,
    reissues: async () => ({
      succeeded: api.reissues.rotated,
      reuseDetected: api.reissues.reuseDetected,
    }),
    requests: async (route, method, status, browser) =>
      api.requestCount(route, method, status, browser),
    stop: async () => {
      await app.stop();
      await api.stop();
    },
  };
}
