/**
 * The one place that picks the API adapter (`AUTH_BACKEND` in lib/config.ts). Everything else
 * imports `backend` from here and sees only the `AuthBackend` interface. The adapter is built
 * on first use, so `next build` reads no configuration.
 */
import 'server-only';
import type { OidcBackend } from 'token-reissue/server';
import type { AuthBackend } from '@/lib/server/auth-backend';
import { config, type AppConfig } from '@/lib/config';
import type { SessionUser } from '@/lib/next-auth';
import { createOidcAppBackend } from '@/lib/server/backends/oidc';
import { createReferenceBackend } from '@/lib/server/backends/reference';
import { createSpringStyleBackend } from '@/lib/server/backends/spring-style';

export type {
  AuthBackend,
  BackendFailure,
  BackendResult,
  ReissueOutcome,
  RequestContext,
  TokenPair,
} from '@/lib/server/auth-backend';

const endpoint = (c: AppConfig) => ({ baseUrl: c.BACKEND_URL, timeoutMs: c.BACKEND_TIMEOUT_MS });

const ADAPTERS = {
  reference: (c) => createReferenceBackend(endpoint(c)),
  'spring-style': (c) => createSpringStyleBackend(endpoint(c)),
  // lib/config.ts requires the provider's settings with AUTH_BACKEND=oidc.
  oidc: (c) => createOidcAppBackend(c.oidc!, c.BACKEND_TIMEOUT_MS),
} as const satisfies Record<AppConfig['AUTH_BACKEND'], (c: AppConfig) => AuthBackend>;

let selected: AuthBackend | undefined;

export function authBackend(): AuthBackend {
  selected ??= ADAPTERS[config().AUTH_BACKEND](config());
  return selected;
}

/** The OpenID adapter (end session, sign-in mapping) when AUTH_BACKEND=oidc; null otherwise. */
export function oidcBackend(): OidcBackend<SessionUser> | null {
  return config().AUTH_BACKEND === 'oidc' ? (authBackend() as OidcBackend<SessionUser>) : null;
}

/**
 * The selected adapter, resolved per call so importing this module has no side effect. An API
 * without sign-up answers "unavailable" here, which the sign-up form shows as such.
 */
export const backend: Required<Omit<AuthBackend, 'name'>> = {
  login: (...args) => authBackend().login(...args),
  async signUp(...args) {
    const adapter = authBackend();
    if (adapter.signUp) return adapter.signUp(...args);
    const reason = `the ${adapter.name} API has no sign-up`;
    return { ok: false, failure: { kind: 'unavailable', cause: 'status', reason } };
  },
  reissue: (refreshToken) => authBackend().reissue(refreshToken),
  logout: (refreshToken) => authBackend().logout(refreshToken),
  loadUser: (accessToken) => authBackend().loadUser(accessToken),
};
