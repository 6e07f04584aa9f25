/**
 * The Next server's token source for `serverAuth`: the access token comes from the request's
 * session, and a rejected one is reissued through the shared server reissuer. Everything is
 * passed in (where this request's session lives, how to persist it, the reissuer), so it runs
 * the same in Server Components, route handlers, server actions and a unit test with fakes.
 */
import { NotSignedInError, reissueError, RequestRefusedError } from '../errors';
import type { TokenPair } from '../server/auth-backend';
import type { ServerReissuer } from '../server/reissuer';
import type { BaseUser } from '../types';
import { emit, type TelemetryHook } from '../telemetry/events';
import type { TokenSource } from './interceptors';

/** The fields of a server-side session this source needs; the app's session may hold more. */
export interface ServerSession {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  /** DPoP: the key the browser's token is bound to; a server-side reissue binds to it again. */
  accessTokenJkt?: string;
  /** DPoP: the Next server's own token, bound to its key; the server sends this one. */
  serverAccessToken?: string;
  serverAccessTokenExpiresAt?: number;
}

/** The token the Next server sends: its own under DPoP, the session's one otherwise. */
export function serverTokenOf(session: ServerSession): { token: string; expiresAt: number } {
  return session.serverAccessToken
    ? {
        token: session.serverAccessToken,
        expiresAt: session.serverAccessTokenExpiresAt ?? session.accessTokenExpiresAt,
      }
    : { token: session.accessToken, expiresAt: session.accessTokenExpiresAt };
}

/** What a reissue started on the server binds the browser's new token to (DPoP). */
export function sessionBinding(session: ServerSession) {
  return session.accessTokenJkt ? { jkt: session.accessTokenJkt } : undefined;
}

export interface SessionTokenSourceOptions<S extends ServerSession, U extends BaseUser> {
  /** This request's session: the newest it has seen (after a reissue, the reissued one). */
  session(): Promise<S | null>;
  reissuer: Pick<ServerReissuer<U>, 'reissue' | 'noteRejectedAccessToken'>;
  /** The session after a reissue: same claims, the new pair. */
  withTokens(session: S, tokens: TokenPair<U>): S;
  /**
   * Makes `session` this request's newest and persists it where the context allows (a route
   * handler or a server action can set cookies; a Server Component cannot, by design).
   */
  save(session: S): Promise<void>;
  /** Told when a route refuses a just-reissued token (no second reissue is made). */
  telemetry?: TelemetryHook;
}

export function sessionTokenSource<S extends ServerSession, U extends BaseUser>(
  options: SessionTokenSourceOptions<S, U>,
): TokenSource {
  async function current(): Promise<S> {
    const session = await options.session();
    if (!session) throw new NotSignedInError();
    return session;
  }

  return {
    // Server requests never wait on a reissue in another request: the reissuer shares it.
    isRenewing: () => false,
    acquire: async () => serverTokenOf(await current()).token,
    async renew(rejected, { afterRenewal = false, path = 'server-auth' } = {}) {
      const session = await current();
      const { token, expiresAt } = serverTokenOf(session);
      // Another request already reissued: retry with the newer token.
      if (token !== rejected) return token;
      // This request was just given this token by a reissue, and the route rejects it too: the
      // route refuses the request; another reissue would only rotate the refresh token again.
      if (afterRenewal) {
        emit(options.telemetry, { type: 'request_refused', path });
        throw new RequestRefusedError();
      }
      // The proxy reads this for the browser's token: both come from one rotation.
      options.reissuer.noteRejectedAccessToken(session.accessToken, session.accessTokenExpiresAt);
      if (rejected !== session.accessToken) {
        options.reissuer.noteRejectedAccessToken(rejected, expiresAt);
      }
      const outcome = await options.reissuer.reissue(
        session.refreshToken,
        path,
        sessionBinding(session),
      );
      if (!outcome.ok) throw reissueError(outcome.code);
      const renewed = options.withTokens(session, outcome.tokens);
      await options.save(renewed);
      return serverTokenOf(renewed).token;
    },
  };
}
