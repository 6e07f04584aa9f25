import { z } from 'zod';
import { checkDpopServerKey, type RedisNode, type RedisTopology } from 'token-reissue/server';
import { checkOidc, oidcEnv, oidcSettings, type OidcConfig } from './oidc-config';

export type { OidcConfig };

/**
 * The app's configuration, read and validated once. Nothing else reads `process.env`
 * (except `NEXT_PUBLIC_*` flags, which Next inlines at build time and are read where used).
 */

/** `host:port,host:port`; an IPv6 host in brackets (`[::1]:26379`). */
const redisNodes = z.string().transform((value, ctx): RedisNode[] => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const nodes: RedisNode[] = [];
  for (const entry of entries) {
    const match = /^(\[[^\]]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
      return z.NEVER;
    }
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port[,host:port…]' });
    return z.NEVER;
  }
  return nodes;
});

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  NEXTAUTH_SECRET: z.string().min(32, 'NEXTAUTH_SECRET must be at least 32 characters').optional(),
  /** The app's public URL; an https URL switches session cookies to `__Secure-` names (token-reissue/next's `sessionCookie`). */
  NEXTAUTH_URL: z.url().optional(),
  /** The API server as the Next server reaches it. */
  BACKEND_URL: z.url().default('http://127.0.0.1:8080'),
  /**
   * Who issues the tokens: this project's reference API, a Spring-style API (both sign in with
   * email and password), or an OpenID provider (`oidc`: sign-in at the provider, the OIDC_*).
   */
  AUTH_BACKEND: z.enum(['reference', 'spring-style', 'oidc']).default('reference'),
  ...oidcEnv,
  /** The API server as the browser reaches it (defaults to BACKEND_URL). */
  PUBLIC_BACKEND_URL: z.url().optional(),
  /** Server-side reissue happens when the access token expires within this many seconds. */
  SESSION_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Upper bound for one call to the API's /auth/reissue from the Next server. */
  BACKEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** One Redis server shared by every app process (`redis://…`, `rediss://…`). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Or Sentinel: the sentinels, and the name of the primary they watch. */
  REDIS_SENTINELS: redisNodes.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  /** Or a Redis Cluster: some of its nodes (the rest are discovered). */
  REDIS_CLUSTER_NODES: redisNodes.optional(),
  /** Credentials for Sentinel's or the Cluster's data nodes (a REDIS_URL carries its own). */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** During a Redis outage, how long a reissue waits for Redis before answering "unavailable". */
  REDIS_OUTAGE_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * `in-process`: during a Redis outage every process reissues on its own at once. Safe only
   * against an API with a reuse grace window; the default `none` waits for Redis instead.
   */
  REISSUE_FALLBACK: z.enum(['none', 'in-process']).default('none'),
  /** How long a reissue's outcome is handed to later requests presenting the same refresh token. */
  REISSUE_OUTCOME_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Delay before the one quick retry of a transient reissue failure; 0 retries at once. */
  REISSUE_QUICK_RETRY_MS: z.coerce.number().int().min(0).max(5_000).default(250),
  /**
   * DPoP (RFC 9449): the Next server's key, an EC P-256 private key in PEM (one line with `\\n`
   * is fine), shared by every app process. Set: access tokens are DPoP-bound, the browser's to a
   * key of its own, the server's to this one. `npm run dev` generates one into `.data/`.
   */
  DPOP_SERVER_KEY: z
    .string()
    .min(1)
    .superRefine((pem, ctx) => {
      try {
        checkDpopServerKey(pem);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `DPOP_SERVER_KEY ${(error as Error).message}` });
      }
    })
    .optional(),
  /**
   * Reverse proxies in front of the Next server that append to X-Forwarded-For; the browser's
   * address forwarded to the API is that many entries from the right (see client-address.ts).
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * The bearer token Prometheus presents at /api/metrics. Unset: only a scraper on this machine
   * (loopback) may read them.
   */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Tracing is on when set: the OTLP/HTTP endpoint (`…/v1/traces` is appended). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Or the traces endpoint itself, used as it is. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP over HTTP as protobuf (the OpenTelemetry default) or JSON. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('token-reissue-app'),
});

/**
 * One Redis topology at most, a Sentinel group always with its primary's name, and an OpenID
 * provider's settings with AUTH_BACKEND=oidc.
 */
const checkedSchema = schema.superRefine((env, ctx) => {
  checkOidc(env, ctx);
  const topologies = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;
  const set = topologies.filter((name) => env[name] !== undefined);
  if (set.length > 1) {
    ctx.addIssue({ code: 'custom', path: [set[1]!], message: `set one of ${set.join(', ')}` });
  }
  if ((env.REDIS_SENTINELS === undefined) !== (env.REDIS_SENTINEL_NAME === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_SENTINEL_NAME'],
      message: 'REDIS_SENTINELS and REDIS_SENTINEL_NAME go together',
    });
  }
});

type Env = z.infer<typeof schema>;

/** The Redis every app process shares, when one is configured. */
export interface RedisSettings {
  topology: RedisTopology;
  username?: string;
  password?: string;
}

/** Where traces go, when tracing is on. */
export interface TracingSettings {
  tracesUrl: string;
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
}

export type AppConfig = Env & {
  publicBackendUrl: string;
  redis?: RedisSettings;
  tracing?: TracingSettings;
  oidc?: OidcConfig;
};

function tracingSettings(env: Env): TracingSettings | undefined {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    serviceName: env.OTEL_SERVICE_NAME,
  };
}

function redisSettings(env: Env): RedisSettings | undefined {
  const credentials = { username: env.REDIS_USERNAME, password: env.REDIS_PASSWORD };
  if (env.REDIS_URL) return { topology: { kind: 'standalone', url: env.REDIS_URL } };
  if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
    const { REDIS_SENTINELS: sentinels, REDIS_SENTINEL_NAME: name } = env;
    return { topology: { kind: 'sentinel', sentinels, name }, ...credentials };
  }
  if (env.REDIS_CLUSTER_NODES) {
    return { topology: { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES }, ...credentials };
  }
  return undefined;
}

/** Validates an environment (the process's, or a test's) into the app's configuration. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = checkedSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return {
    ...parsed.data,
    publicBackendUrl: parsed.data.PUBLIC_BACKEND_URL ?? parsed.data.BACKEND_URL,
    redis: redisSettings(parsed.data),
    tracing: tracingSettings(parsed.data),
    oidc: oidcSettings(parsed.data),
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The secret that encrypts session cookies and seals reissue tickets. Read lazily so that
 * `next build` needs no secret; a production server without one refuses every auth request.
 */
export function authSecret(): string {
  const secret = config().NEXTAUTH_SECRET;
  if (!secret) {
    throw new Error(
      'NEXTAUTH_SECRET is not set. In development start the app with `npm run dev`, which ' +
        'generates one; in production set NEXTAUTH_SECRET to 32+ random characters ' +
        '(e.g. `openssl rand -base64 32`).',
    );
  }
  return secret;
}
