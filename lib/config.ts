import { z } from 'zod';

/**
 * The app's configuration, read and validated once. Nothing else reads `process.env`
 * (except `NEXT_PUBLIC_*` flags, which Next inlines at build time and are read where used).
 */
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
  /** The provider's issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** What the app asks for at sign-in; `offline_access` is what gets a refresh token from most. */
  OIDC_SCOPE: z
    .string()
    .trim()
    .default('openid profile email offline_access')
    .refine((scope) => scope.split(/\s+/).includes('openid'), 'OIDC_SCOPE must include openid'),
  /** How the app authenticates at the token and revocation endpoints. */
  OIDC_CLIENT_AUTH: z
    .enum(['client_secret_basic', 'client_secret_post'])
    .default('client_secret_basic'),
  /** The name on the "Sign in with …" button; defaults to the issuer's host. */
  OIDC_PROVIDER_NAME: z.string().trim().min(1).max(60).optional(),
  /**
   * Extra authorization request parameters, as a query string: `audience=https://api.example.com`
   * (Auth0), `resource=…` (RFC 8707). Sent at sign-in only; refreshes keep the granted audience.
   */
  OIDC_AUTHORIZATION_PARAMS: z.string().optional(),
  /** The API server as the browser reaches it (defaults to BACKEND_URL). */
  PUBLIC_BACKEND_URL: z.url().optional(),
  /** Server-side reissue happens when the access token expires within this many seconds. */
  SESSION_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Upper bound for one call to the API's /auth/reissue from the Next server. */
  BACKEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Redis shared by every app process for reissue coordination; unset: in-process only. */
  REDIS_URL: z.url().optional(),
  /** How long a reissue's outcome is handed to later requests presenting the same refresh token. */
  REISSUE_OUTCOME_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Delay before the one quick retry of a transient reissue failure; 0 retries at once. */
  REISSUE_QUICK_RETRY_MS: z.coerce.number().int().min(0).max(5_000).default(250),
  /**
   * Reverse proxies in front of the Next server that append to X-Forwarded-For; the browser's
   * address forwarded to the API is that many entries from the right (see client-address.ts).
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** With `AUTH_BACKEND=oidc` the provider's settings are required, and its issuer https unless local. */
const checked = schema.superRefine((env, ctx) => {
  if (env.AUTH_BACKEND !== 'oidc') return;
  for (const key of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
    if (!env[key])
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required when AUTH_BACKEND=oidc`,
      });
  }
  const issuer = env.OIDC_ISSUER ? new URL(env.OIDC_ISSUER) : undefined;
  if (issuer && issuer.protocol !== 'https:' && !LOOPBACK.has(issuer.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_ISSUER'],
      message: 'OIDC_ISSUER must be https (http only for a provider on this machine)',
    });
  }
});

/** The OpenID provider the `oidc` adapter and the sign-in use; present when AUTH_BACKEND=oidc. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  providerName: string;
  authorizationParams: Record<string, string>;
  /** An http issuer on this machine (development, tests). */
  allowInsecureHttp: boolean;
}

export type AppConfig = z.infer<typeof schema> & {
  publicBackendUrl: string;
  oidc?: OidcConfig;
};

function oidcConfig(env: z.infer<typeof schema>): OidcConfig | undefined {
  if (env.AUTH_BACKEND !== 'oidc' || !env.OIDC_ISSUER) return undefined;
  const issuer = new URL(env.OIDC_ISSUER);
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID ?? '',
    clientSecret: env.OIDC_CLIENT_SECRET ?? '',
    scope: env.OIDC_SCOPE,
    clientAuth: env.OIDC_CLIENT_AUTH,
    providerName: env.OIDC_PROVIDER_NAME ?? issuer.host,
    authorizationParams: Object.fromEntries(
      new URLSearchParams(env.OIDC_AUTHORIZATION_PARAMS ?? ''),
    ),
    allowInsecureHttp: issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname),
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  if (cached) return cached;
  const parsed = checked.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  cached = {
    ...parsed.data,
    publicBackendUrl: parsed.data.PUBLIC_BACKEND_URL ?? parsed.data.BACKEND_URL,
    oidc: oidcConfig(parsed.data),
  };
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
