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
  /** Which adapter speaks to the API: this project's reference API, or a Spring-style one. */
  AUTH_BACKEND: z.enum(['reference', 'spring-style']).default('reference'),
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

export type AppConfig = z.infer<typeof schema> & {
  publicBackendUrl: string;
};

let cached: AppConfig | undefined;

export function config(): AppConfig {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  cached = {
    ...parsed.data,
    publicBackendUrl: parsed.data.PUBLIC_BACKEND_URL ?? parsed.data.BACKEND_URL,
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
