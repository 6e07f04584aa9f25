/**
 * The reissue core, browser-safe entry: the statechart, the axios interceptors and token
 * sources, the browser reissue client and its one-call wiring (`createBrowserAuth`), the
 * failure vocabulary and the user-generic types, and the telemetry hooks (events to count, and
 * trace hooks with an OpenTelemetry implementation that an app loads only when it traces).
 * Server-only parts (session store, reissuer, coordinators, tickets) are in `./server`, so a
 * client bundle never pulls in node:crypto.
 * Nothing here imports Next, next-auth or the app that installs it (`./next` holds that glue).
 */
export * from './errors';
export type { BaseUser, ClientSession, ReissueResult } from './types';
export {
  authMachine,
  createAuthMachine,
  PROACTIVE_MARGIN_MAX_MS,
  proactiveDelay,
  REISSUE_TIMEOUT_MS,
  toAuthError,
  usableToken,
  usableUntil,
  type AuthContext,
  type AuthEvent,
  type ReissueInput,
} from '../../machines/auth.machine';
export {
  authMachineDiagram,
  describeMachine,
  renderMermaid,
  type DiagramState,
  type DiagramTransition,
  type MachineDiagram,
} from '../../machines/auth.diagram';
export {
  attachAuthInterceptors,
  MAX_AUTH_RETRIES,
  MAX_EXPIRED_RETRIES,
  type AuthInterceptorOptions,
  type AuthInterceptors,
  type AuthTraffic,
  type AuthTrafficStore,
  type Rejection,
  type TokenSource,
} from './http/interceptors';
export {
  ACTOR_WAIT_TIMEOUT_MS,
  actorTokenSource,
  type ActorTokenSourceOptions,
  type AuthMachineActor,
} from './http/actor-token-source';
export {
  boundThumbprint,
  createDpopSigner,
  isNonceChallenge,
  presentToken,
  targetUri,
  type DpopKeyPair,
  type DpopSigner,
  type DpopSignerOptions,
} from './http/dpop';
export { createBrowserDpop, DPOP_MEASURE, tieKeyToSession, type BrowserDpop } from './browser/dpop';
export {
  browserDpopKeyStore,
  DPOP_DB_NAME,
  DPOP_KEY_ID,
  DPOP_STORE,
  type DpopKeyStore,
} from './browser/dpop-key';
export { API_TIMEOUT_MS, createApiInstance, type ApiInstanceOptions } from './http/instance';
export { createAuthFetch, type AuthFetch, type AuthFetchOptions } from './http/auth-fetch';
export {
  LOCK_NAME,
  REISSUE_HEADER,
  REISSUE_PATH,
  requestReissue,
  SESSION_PATH,
  type ReissueClientOptions,
} from './browser/reissue-client';
export { clientSessionSchema, reissueResponseSchema, type UserSchema } from './browser/schemas';
export {
  BROWSER_MAX_IN_FLIGHT,
  createBrowserAuth,
  createBrowserInstances,
  createTabActor,
  type BrowserAuthActor,
  type BrowserAuthOptions,
} from './browser/auth';
export {
  listenForSignInElsewhere,
  refreshNextAuthSession,
  TAB_CHANNEL,
} from './browser/tab-channel';
export {
  BROWSER_REPORTS,
  REISSUE_OUTCOMES,
  REISSUE_PATHS,
  TICKET_REFUSALS,
  type BrowserReport,
  type CoordinatorWaitOutcome,
  type ReissueOutcomeKind,
  type ReissuePath,
  type TelemetryEvent,
  type TelemetryHook,
  type TicketRefusalKind,
} from './telemetry/events';
export type {
  AttemptTrace,
  RequestTrace,
  RequestTracer,
  ReissueTrace,
  TracerOption,
} from './telemetry/tracer';
export { createOtelTracer, TRACER_NAME } from './telemetry/otel-tracer';
