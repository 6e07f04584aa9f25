/**
 * The reissue core, server entry: the session-cookie store, the server reissuer and its
 * coordinators (in-process, Redis), sealed reissue tickets, the server token source for
 * `serverAuth`, and the `AuthBackend` contract adapters implement. Framework-free: the app
 * passes next-auth's cookie codec, its adapter and its configuration in. ioredis, an optional
 * peer, is loaded only when a Redis client is first used.
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
export { createInProcessCoordinator, tokenHash } from './coordinator/in-process';
export { createRedisCoordinator, type RedisCommands } from './coordinator/redis';
export { createRedisClient, type LazyRedisClient } from './coordinator/redis-lazy';
export { withQuickRetry } from './coordinator/quick-retry';
export { createTickets, TICKET_TTL_SECONDS, type TicketCheck, type TicketSession } from './tickets';
export { memoryUsedTicketStore, USED_TICKET_CAPACITY, type UsedTicketStore } from './used-tickets';
export {
  sessionTokenSource,
  type ServerSession,
  type SessionTokenSourceOptions,
} from '../http/session-token-source';
export { REISSUE_HEADER } from '../browser/reissue-client';
