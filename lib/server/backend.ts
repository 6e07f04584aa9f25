/**
 * The one place that picks the API adapter (`AUTH_BACKEND` in lib/config.ts). Everything else
 * imports `backend` from here and sees only the `AuthBackend` interface. The adapter is built
 * on first use, so `next build` reads no configuration.
 */
import 'server-only';
import type { AuthBackend } from '@/lib/server/auth-backend';
import { config } from '@/lib/config';
import { createReferenceBackend } from '@/lib/server/backends/reference';
import { createSpringStyleBackend } from '@/lib/server/backends/spring-style';
import { serverDpop } from '@/lib/server/dpop';

export type {
  AuthBackend,
  BackendFailure,
  BackendResult,
  ReissueOutcome,
  RequestContext,
  TokenPair,
} from '@/lib/server/auth-backend';

const ADAPTERS = {
  reference: createReferenceBackend,
  'spring-style': createSpringStyleBackend,
} as const satisfies Record<ReturnType<typeof config>['AUTH_BACKEND'], unknown>;

let selected: AuthBackend | undefined;

export function authBackend(): AuthBackend {
  if (!selected) {
    const { AUTH_BACKEND, BACKEND_URL, BACKEND_TIMEOUT_MS } = config();
    selected = ADAPTERS[AUTH_BACKEND](
      { baseUrl: BACKEND_URL, timeoutMs: BACKEND_TIMEOUT_MS },
      { dpop: serverDpop },
    );
  }
  return selected;
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
  reissue: (refreshToken, binding) => authBackend().reissue(refreshToken, binding),
  logout: (refreshToken) => authBackend().logout(refreshToken),
  loadUser: (accessToken) => authBackend().loadUser(accessToken),
};
