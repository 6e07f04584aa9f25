/**
 * The Next server's API clients: axios (`server`, `serverAuth`) and `fetch` (`serverFetch`).
 * The authenticated ones are the package's (`token-reissue/next`): tokens from this request's
 * session, reissued through the process's one reissuer, saved where the context can set cookies.
 * This module only says which store, reissuer and API.
 */
import 'server-only';
import { config } from '@/lib/config';
import { createApiInstance } from 'token-reissue';
import { createServerAuth, createServerFetch, requestTokenSource } from 'token-reissue/next';
import { serverDpop } from './dpop';
import { recordTelemetry } from './metrics/record';
import { serverReissuer } from './reissuer';
import { withTokens } from './session-claims';
import { sessionStore } from './session-store';

// Store and reissuer are resolved per call: importing this module builds neither.
const session = requestTokenSource({
  store: sessionStore,
  reissuer: serverReissuer,
  withTokens,
  telemetry: recordTelemetry,
});

/** Server requests that need no session. */
export const server = createApiInstance({ baseURL: config().BACKEND_URL });

/** DPoP with the server's key, while it is configured. */
const dpop = () => serverDpop()?.signer ?? null;

/** axios with the session's access token: server actions and route handlers. */
export const serverAuth = createServerAuth(session, config().BACKEND_URL, undefined, { dpop });

/** `fetch` with the session's access token, same single flight and retries: Server Components. */
export const serverFetch = createServerFetch(session, config().BACKEND_URL, undefined, { dpop });
