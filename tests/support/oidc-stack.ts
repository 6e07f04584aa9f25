/**
 * The app signing in at a real OpenID provider: the test provider (oidc-provider 8, a process of
 * its own, strict rotation), the reference API trusting its access tokens (TRUSTED_ISSUER), and
 * N `next start` processes with `AUTH_BACKEND=oidc`, optionally behind one round-robin origin
 * and sharing a real Redis. The provider's client is registered for every app URL (redirect and
 * post-logout URIs), so any process can finish a sign-in another one started.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, startBackend, type Running } from '../../scripts/stack';
import { startOidcProvider, type RunningProvider } from './oidc-provider/process';
import { startRedis, type RunningRedis } from './redis-server';
import { startRoundRobin, type Balancer } from './round-robin';

export const OIDC_CLIENT = {
  id: 'token-reissue-app',
  secret: randomBytes(24).toString('base64url'),
};
/** The API's resource indicator at the provider, and the `aud` its access tokens carry. */
export const API_AUDIENCE = 'https://api.token-reissue.test';
export const PROVIDER_NAME = 'Test Provider';

export interface OidcStack {
  provider: RunningProvider;
  api: Running;
  apps: Running[];
  /** The URL the browser uses: the round-robin origin, or the only app. */
  url: string;
  origin?: Balancer;
  redis?: RunningRedis;
  secret: string;
  stop(): Promise<void>;
}

export interface OidcStackOptions {
  apps?: number;
  /** Behind one round-robin origin (NEXTAUTH_URL), as several processes are in production. */
  balanced?: boolean;
  redis?: boolean;
  accessTokenTtlSeconds: number;
  appEnv?: Record<string, string>;
}

export async function startOidcStack(options: OidcStackOptions): Promise<OidcStack> {
  const secret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-oidc-api-'));
  const running: { stop: () => Promise<void> }[] = [];
  try {
    const redis = options.redis ? await startRedis() : undefined;
    if (redis) running.push(redis);
    const targets: string[] = [];
    const origin = options.balanced ? await startRoundRobin(targets) : undefined;
    if (origin) running.push(origin);
    const ports = await Promise.all(Array.from({ length: options.apps ?? 1 }, () => freePort()));
    const appUrls = ports.map((port) => `http://localhost:${port}`);
    const publicUrls = origin ? [origin.url] : appUrls;

    const provider = await startOidcProvider({
      clients: [
        {
          client_id: OIDC_CLIENT.id,
          client_secret: OIDC_CLIENT.secret,
          redirect_uris: publicUrls.map((url) => `${url}/api/auth/callback/oidc`),
          post_logout_redirect_uris: publicUrls.map((url) => `${url}/signin?reason=signedOut`),
        },
      ],
      audience: API_AUDIENCE,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: 24 * 3600,
    });
    running.push(provider);

    const api = await startBackend({
      dataDir,
      env: {
        CORS_ORIGINS: publicUrls
          .flatMap((url) => [url, url.replace('localhost', '127.0.0.1')])
          .join(','),
        ENABLE_DEBUG_ROUTES: '1',
        TRUSTED_ISSUER: provider.issuer,
        TRUSTED_AUDIENCE: API_AUDIENCE,
      },
    });
    running.push(api);

    const apps: Running[] = [];
    for (const [index, port] of ports.entries()) {
      const app = await startApp({
        mode: 'start',
        port,
        backendUrl: api.url,
        secret,
        env: {
          AUTH_BACKEND: 'oidc',
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: OIDC_CLIENT.id,
          OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
          OIDC_PROVIDER_NAME: PROVIDER_NAME,
          ...(origin ? { NEXTAUTH_URL: origin.url } : {}),
          ...(redis ? { REDIS_URL: redis.url } : {}),
          ...options.appEnv,
        },
      });
      apps.push(app);
      running.push(app);
      targets.push(appUrls[index]!);
    }
    origin?.counts.splice(0, origin.counts.length, ...targets.map(() => 0));

    return {
      provider,
      api,
      apps,
      url: origin?.url ?? apps[0]!.url,
      origin,
      redis,
      secret,
      stop: async () => {
        await Promise.all(running.map((r) => r.stop()));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
