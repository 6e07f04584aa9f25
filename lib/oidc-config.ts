import { z } from 'zod';

/**
 * The OpenID provider's part of the app's configuration (`AUTH_BACKEND=oidc`): its variables,
 * the checks that need more than one of them, and the settings the adapter and the sign-in use.
 * lib/config.ts reads the environment once and validates these with the rest.
 */
export const oidcEnv = {
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
};

/** The validated variables these functions read. */
interface OidcEnv {
  AUTH_BACKEND: string;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_SCOPE: string;
  OIDC_CLIENT_AUTH: 'client_secret_basic' | 'client_secret_post';
  OIDC_PROVIDER_NAME?: string;
  OIDC_AUTHORIZATION_PARAMS?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** With `AUTH_BACKEND=oidc` the provider's settings are required, its issuer https unless local. */
export function checkOidc(env: OidcEnv, ctx: z.RefinementCtx): void {
  if (env.AUTH_BACKEND !== 'oidc') return;
  for (const key of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
    if (!env[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required when AUTH_BACKEND=oidc`,
      });
    }
  }
  const issuer = env.OIDC_ISSUER ? new URL(env.OIDC_ISSUER) : undefined;
  if (issuer && issuer.protocol !== 'https:' && !LOOPBACK.has(issuer.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_ISSUER'],
      message: 'OIDC_ISSUER must be https (http only for a provider on this machine)',
    });
  }
}

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

export function oidcSettings(env: OidcEnv): OidcConfig | undefined {
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
