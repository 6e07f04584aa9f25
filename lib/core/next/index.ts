/**
 * The package's `./next` entry: the Next 16 and next-auth 4 glue every adopter would otherwise
 * write the same way. `createNextAuthReissue` wires all of it from one call; the parts are
 * exported too (this repository's own app uses them one by one): the proxy's session step, the
 * reissue route, the ticket half of `authorize()`, the session store for next-auth's cookie and
 * its name and flags for `NEXTAUTH_URL`, and `serverAuth`/`serverFetch` for the Next server.
 * Server-only: never import it from a client component.
 */
export { sessionCookie, usesSecureCookies, type SessionCookie } from './cookies';
export { createNextAuthSessionStore, type NextAuthSessionStoreOptions } from './session-store';
export { newSessionId, sessionFromTokens, withTokens, type SessionClaims } from './session';
export {
  DEFAULT_SIGN_IN_PATH,
  proxySessionStep,
  signInUrl,
  type ProxySessionStepOptions,
} from './proxy-session';
export { reissueResponse, type ReissueRouteOptions } from './reissue-route';
export { isSameOriginAuthRequest } from './same-origin';
export { unavailablePage } from './unavailable-page';
export {
  authorizeTicket,
  refusalKind,
  type TicketAuthorizeOptions,
  type TicketRefusal,
  type TicketVerdict,
} from './ticket-authorize';
export {
  credentialsAuthorize,
  credentialsSchema,
  type AuthorizedUser,
  type CredentialsAuthorizeOptions,
} from './credentials';
export {
  DEFAULT_OIDC_SCOPE,
  oidcSignInProvider,
  OidcSignInRefused,
  type OidcSignInProviderOptions,
} from './oidc-provider';
export {
  createServerAuth,
  createServerFetch,
  requestTokenSource,
  type RequestTokenSourceOptions,
  type ServerClientOptions,
} from './server-clients';
export {
  createNextAuthReissue,
  MissingSecretError,
  SessionCookieRejected,
  type NextAuthReissueOptions,
  type ReissueSession,
} from './next-auth-reissue';
