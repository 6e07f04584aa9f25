import path from 'node:path';
import { z } from 'zod';

/**
 * The reference API's configuration, read and validated once. Nothing else in `backend/`
 * reads `process.env`; tests pass their own object to `loadConfig`.
 */
const DAY_SECONDS = 24 * 60 * 60;

/** A comma-separated list of URLs (blanks ignored), each validated. */
const originList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    )
    .pipe(z.array(z.url()));

const flag = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

/** Signature algorithms an identity provider's tokens may use: asymmetric only, never `none`. */
export const TRUSTED_ALGORITHM_CHOICES = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const list = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);

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
  CORS_ORIGINS: originList('http://localhost:3000,http://127.0.0.1:3000'),
  JWT_ISSUER: z.string().min(1).default('token-reissue-api'),
  JWT_AUDIENCE: z.string().min(1).default('token-reissue-app'),
  /** Login attempts per minute from one address for one email. */
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Seconds of the per-address login windows (the limits below are "per minute" at 60). */
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Login attempts per minute from one address, any email. */
  LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Failed logins per 15 minutes for one email, from all addresses together. */
  LOGIN_FAILURES_PER_ACCOUNT_PER_15_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100),
  /** Sign-ups per minute from one address. */
  SIGNUP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Counters kept per limit (unlocked and locked ones each); bounds the limiter's memory. */
  RATE_LIMIT_CAPACITY: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  /**
   * Who may say, in X-Forwarded-For, which address a request comes from: the Next server.
   * Comma-separated addresses, CIDRs or proxy-addr names (loopback, linklocal, uniquelocal);
   * `none` trusts nobody.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0 && entry !== 'none'),
    ),
  /**
   * `1`: every access token must be DPoP-bound (RFC 9449). Token requests without a proof are
   * refused, and so is any access token presented without one, bound or not.
   */
  DPOP_REQUIRED: flag,
  /** `1`: DPoP proofs must carry a nonce this API issued (§8) from the start. */
  DPOP_NONCE: flag,
  /**
   * Origins clients sign in a proof's `htu` besides this server's own listening address: its
   * public URL behind a reverse proxy, a proxy in front of it. Never taken from the Host header.
   */
  DPOP_ORIGINS: originList(''),
  /** How far a proof's `iat` may be from this server's clock without a nonce, in seconds. */
  DPOP_IAT_WINDOW_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  /** How long a DPoP nonce this server issued stays good, in seconds. */
  DPOP_NONCE_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** jti values kept against proof replay (the oldest go first past this). */
  DPOP_REPLAY_CAPACITY: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  /**
   * An OpenID provider whose access tokens this API accepts besides its own (the app's `oidc`
   * adapter): JWTs verified against the JWKS its discovery document names.
   */
  TRUSTED_ISSUER: z.url().optional(),
  /** The `aud` the provider's access tokens must carry for this API (required with TRUSTED_ISSUER). */
  TRUSTED_AUDIENCE: z.string().min(1).optional(),
  /** The algorithms the provider's tokens may be signed with; an explicit allow-list. */
  TRUSTED_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform(list)
    .pipe(z.array(z.enum(TRUSTED_ALGORITHM_CHOICES)).min(1)),
  /**
   * The header `typ` the provider's access tokens carry: `at+jwt` (RFC 9068: oidc-provider, Auth0's
   * RFC 9068 profile), `JWT` (Keycloak, Auth0's default), or `*` for any (Okta, Entra ID, Cognito).
   */
  TRUSTED_TOKEN_TYPES: z.string().default('at+jwt').transform(list),
  /** Dev-only routes for the live demo panel and browser tests. Never enable in production. */
  ENABLE_DEBUG_ROUTES: flag,
  /** Pino level; request lines are `debug`, so the default shows start-up, warnings and errors. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Tracing is on when set: spans go there as OTLP/HTTP JSON (`…/v1/traces` is appended). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Or the traces endpoint itself, used as it is. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('token-reissue-api'),
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
  loginRateLimitPerAddressPerMinute: number;
  loginRateLimitWindowSeconds: number;
  loginFailuresPerAccountPer15Minutes: number;
  signupRateLimitPerMinute: number;
  rateLimitCapacity: number;
  /** Fastify's `trustProxy`: false when nobody is trusted. */
  trustedProxies: string[] | false;
  dpop: {
    required: boolean;
    nonce: boolean;
    /** Origins accepted in `htu` besides the server's own address (known once it listens). */
    origins: string[];
    iatWindowSeconds: number;
    nonceTtlSeconds: number;
    replayCapacity: number;
  };
  enableDebugRoutes: boolean;
  /** An identity provider whose access tokens are accepted too; absent by default. */
  trustedIssuer?: TrustedIssuerConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where spans go; absent while tracing is off. */
  tracing?: { tracesUrl: string; serviceName: string };
}

export interface TrustedIssuerConfig {
  issuer: string;
  audience: string;
  algorithms: (typeof TRUSTED_ALGORITHM_CHOICES)[number][];
  /** Lower-case, without `application/`; empty means any. */
  tokenTypes: string[];
}

export type BackendEnv = Record<string, string | number | undefined>;

function tracingOf(c: z.infer<typeof schema>): BackendConfig['tracing'] {
  const base = c.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl = c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base}/v1/traces`);
  return tracesUrl ? { tracesUrl, serviceName: c.OTEL_SERVICE_NAME } : undefined;
}

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
  if (c.TRUSTED_ISSUER && !c.TRUSTED_AUDIENCE) {
    throw new Error(
      'Invalid backend configuration:\nTRUSTED_AUDIENCE is required with TRUSTED_ISSUER',
    );
  }
  const typeOf = (typ: string) => typ.toLowerCase().replace(/^application\//, '');
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
    loginRateLimitPerAddressPerMinute: c.LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    loginRateLimitWindowSeconds: c.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
    loginFailuresPerAccountPer15Minutes: c.LOGIN_FAILURES_PER_ACCOUNT_PER_15_MINUTES,
    signupRateLimitPerMinute: c.SIGNUP_RATE_LIMIT_PER_MINUTE,
    rateLimitCapacity: c.RATE_LIMIT_CAPACITY,
    trustedProxies: c.TRUSTED_PROXIES.length > 0 ? c.TRUSTED_PROXIES : false,
    dpop: {
      required: c.DPOP_REQUIRED,
      nonce: c.DPOP_NONCE,
      origins: c.DPOP_ORIGINS.map((origin) => new URL(origin).origin),
      iatWindowSeconds: c.DPOP_IAT_WINDOW_SECONDS,
      nonceTtlSeconds: c.DPOP_NONCE_TTL_SECONDS,
      replayCapacity: c.DPOP_REPLAY_CAPACITY,
    },
    enableDebugRoutes: c.ENABLE_DEBUG_ROUTES,
    trustedIssuer:
      c.TRUSTED_ISSUER && c.TRUSTED_AUDIENCE
        ? {
            issuer: c.TRUSTED_ISSUER,
            audience: c.TRUSTED_AUDIENCE,
            algorithms: c.TRUSTED_ALGORITHMS,
            tokenTypes: c.TRUSTED_TOKEN_TYPES.includes('*')
              ? []
              : c.TRUSTED_TOKEN_TYPES.map(typeOf),
          }
        : undefined,
    logLevel: c.LOG_LEVEL,
    tracing: tracingOf(c),
  };
}
