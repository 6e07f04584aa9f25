import path from 'node:path';
import { z } from 'zod';

/**
 * The reference API's configuration, read and validated once. Nothing else in `backend/`
 * reads `process.env`; tests pass their own object to `loadConfig`.
 */
const DAY_SECONDS = 24 * 60 * 60;

const flag = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

const schema = z.object({
  BACKEND_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  BACKEND_HOST: z.string().min(1).default('127.0.0.1'),
  BACKEND_DATA_DIR: z.string().min(1).default('.data/backend'),
  /** Seconds an access token stays valid. */
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(1).max(DAY_SECONDS).default(60),
  /** Seconds a refresh-token family lives, counted from login; rotation does not extend it. */
  REFRESH_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(1)
    .max(365 * DAY_SECONDS)
    .default(14 * DAY_SECONDS),
  /**
   * Seconds after a rotation during which the previous refresh token may be replayed. 30 (Okta's
   * default): when the API committed a rotation but its answer was lost, only a retry inside
   * this window can recover, and the client's fast retries plus one timeout fit in 30 s.
   */
  REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:3000,http://127.0.0.1:3000')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    )
    .pipe(z.array(z.url())),
  JWT_ISSUER: z.string().min(1).default('token-reissue-api'),
  JWT_AUDIENCE: z.string().min(1).default('token-reissue-app'),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Dev-only routes for the live demo panel and browser tests. Never enable in production. */
  ENABLE_DEBUG_ROUTES: flag,
});

export interface BackendConfig {
  port: number;
  host: string;
  dataDir: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  reuseGraceSeconds: number;
  corsOrigins: string[];
  jwtIssuer: string;
  jwtAudience: string;
  loginRateLimitPerMinute: number;
  enableDebugRoutes: boolean;
}

export type BackendEnv = Record<string, string | number | undefined>;

export function loadConfig(env: BackendEnv = process.env): BackendConfig {
  // An empty variable means "unset", as it does in most shells and .env files.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new Error(`Invalid backend configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const c = parsed.data;
  return {
    port: c.BACKEND_PORT,
    host: c.BACKEND_HOST,
    dataDir: path.resolve(c.BACKEND_DATA_DIR),
    accessTokenTtlSeconds: c.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: c.REFRESH_TOKEN_TTL,
    reuseGraceSeconds: c.REUSE_GRACE_SECONDS,
    corsOrigins: c.CORS_ORIGINS,
    jwtIssuer: c.JWT_ISSUER,
    jwtAudience: c.JWT_AUDIENCE,
    loginRateLimitPerMinute: c.LOGIN_RATE_LIMIT_PER_MINUTE,
    enableDebugRoutes: c.ENABLE_DEBUG_ROUTES,
  };
}
