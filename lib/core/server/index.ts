/**
 * The reissue core, server entry: the session-cookie store, the server reissuer and its
 * coordinators (in-process, Redis), sealed reissue tickets and their replay guards (used
 * tickets, rotated tokens; in memory or on Redis), the Redis connection for a standalone server,
 * Sentinel or Cluster, the server token source for `serverAuth`, the `AuthBackend` contract
 * adapters implement, and the adapter for an OpenID provider. Framework-free: the app passes
 * next-auth's cookie codec, its adapter and its configuration in. ioredis and openid-client,
 * optional peers, are loaded only when first used.
 */
export type {
  AuthBackend,
  BackendEndpoint,
  BackendFailure,
  BackendResult,
  ReissueOutcome,
  RequestContext,
  TokenPair,
  UnavailableCause,
} from './auth-backend';
export {
  cookieStoreTarget,
  createSessionStore,
  forwardedRequestTarget,
  responseTarget,
  SESSION_CHUNK_SIZE,
  type CookieSource,
  type CookieTarget,
  type CookieWrite,
  type SessionStore,
  type SessionStoreOptions,
  type SetCookie,
} from './session-store';
export { createServerReissuer, type ServerReissuer, type ServerReissuerOptions } from './reissuer';
export type { ReissueCall, ReissueCoordinator } from './coordinator/types';
export { tokenHash } from './token-hash';
export { createInProcessCoordinator } from './coordinator/in-process';
export { createRedisCoordinator, type RedisCoordinatorOptions } from './coordinator/redis';
export { withQuickRetry } from './coordinator/quick-retry';
export { memoryUsedTicketStore, USED_TICKET_CAPACITY, type UsedTicketStore } from './used-tickets';
export { memoryRotationLog, ROTATED_TTL_MS, type RotationLog } from './rotations';
export {
  connectRedis,
  type RedisConnectOptions,
  type RedisConnection,
  type RedisNode,
  type RedisTopology,
} from './redis/client';
export { RedisUnreachableError, type RedisCommands } from './redis/commands';
export { createRedisLink, type RedisLink, type RedisLinkOptions } from './redis/link';
export { DEFAULT_KEY_PREFIX, reissueKeys, usedTicketKey } from './redis/keys';
export { createRedisUsedTicketStore } from './redis/used-tickets';
export { createRedisRotationLog } from './redis/rotations';
export { createTickets, TICKET_TTL_SECONDS, type TicketCheck, type TicketSession } from './tickets';
export {
  sessionTokenSource,
  type ServerSession,
  type SessionTokenSourceOptions,
} from '../http/session-token-source';
export { REISSUE_HEADER } from '../browser/reissue-client';
export {
  createOidcBackend,
  type EndSessionRequest,
  type OidcBackend,
  type OidcBackendOptions,
} from './oidc/backend';
export { InsecureIssuerError, type ClientAuthMethod } from './oidc/discovery';
export {
  tokenPairFromAnswer,
  UNKNOWN_REFRESH_LIFETIME_MS,
  type TokenEndpointAnswer,
} from './oidc/token-response';
