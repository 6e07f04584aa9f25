/**
 * Everything an app on next-auth 4 needs from the package, from one call: the session store for
 * next-auth's cookie, the server reissuer, sealed tickets, next-auth's options (credentials
 * provider, callbacks), the proxy step, the reissue route, and `serverAuth`/`serverFetch` for
 * Server Components and server actions. The app passes what only it knows: its API adapter, its
 * token-pair schema, its secret and URL.
 *
 * Next bundles the proxy and each route separately, so module-level state would exist once per
 * bundle; the reissuer (the single flight) and the used-ticket store live on `globalThis`
 * instead, once per process and name.
 */
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import type { AuthBackend, TokenPair } from '../server/auth-backend';
import { createInProcessCoordinator } from '../server/coordinator/in-process';
import type { ReissueCall, ReissueCoordinator } from '../server/coordinator/types';
import { createServerReissuer, type ServerReissuer } from '../server/reissuer';
import type { RotationLog } from '../server/rotations';
import { createTickets } from '../server/tickets';
import { memoryUsedTicketStore, type UsedTicketStore } from '../server/used-tickets';
import type { BaseUser } from '../types';
import type { TelemetryHook } from '../telemetry/events';
import { credentialsAuthorize, type AuthorizedUser } from './credentials';
import { proxySessionStep } from './proxy-session';
import { reissueResponse } from './reissue-route';
import { createServerAuth, createServerFetch, requestTokenSource } from './server-clients';
import { sessionFromTokens, withTokens, type SessionClaims } from './session';
import { createNextAuthSessionStore } from './session-store';
import { sessionCookie } from './cookies';
import { authorizeTicket } from './ticket-authorize';

export interface NextAuthReissueOptions<U extends BaseUser> {
  /** Your API's adapter: login, reissue, logout (see `AuthBackend`). */
  backend: AuthBackend<U, unknown>;
  /** Validates token pairs read back from tickets and cookies (with your user's schema). */
  tokenPairSchema: z.core.$ZodType<TokenPair<U>>;
  /** `NEXTAUTH_SECRET`; may be unset while `next build` runs, never when serving. */
  secret(): string | undefined;
  /** `NEXTAUTH_URL`: an https URL gives `__Secure-` cookie names and Secure cookies. */
  url: string | undefined;
  /** The API's base URL as the Next server reaches it, for `serverAuth` and `serverFetch`. */
  apiUrl: string;
  /** Session cookie lifetime; the session really ends with the refresh token. Default 30 days. */
  maxAgeSeconds?: number;
  /** The proxy reissues when the access token expires within this. Default 15 s. */
  marginMs?: number;
  /** Where the proxy sends a page that needs a session (default next-auth's sign-in page). */
  signInPath?: string;
  /** Pages a visitor without a session must not see. Default: none (pages check themselves). */
  requiresSession?(req: NextRequest): boolean;
  /** Single flight across processes: wrap `call` (e.g. `createRedisCoordinator`). Default: this process. */
  coordinator?: (call: ReissueCall<U>) => ReissueCoordinator<U>;
  /** Where used ticket ids are claimed; share one (Redis) across processes. Default: this process. */
  usedTickets?: UsedTicketStore;
  /**
   * Where rotated refresh tokens are remembered for the rollback guard; share one across
   * processes (`createRedisRotationLog`, on the coordinator's Redis link). Default: this process.
   */
  rotations?: RotationLog;
  /** Keeps two setups in one process apart. Default `default`. */
  name?: string;
  /**
   * Told about every reissue and ticket refusal (see `TelemetryEvent`), e.g. to count them with
   * prom-client. None by default. Spans need no option: they appear once an SDK is registered.
   */
  telemetry?: TelemetryHook;
}

/** The session cookie this glue keeps: the token pair, the subject and the session id. */
export type ReissueSession<U extends BaseUser> = SessionClaims<U>;

/** A decrypted cookie that is not a whole session; thrown in `jwt`, which clears the cookie. */
export class SessionCookieRejected extends Error {
  readonly code = 'SESSION_COOKIE_REJECTED' as const;
  override readonly name = 'SessionCookieRejected';
}

/** The secret was asked for (to open a cookie or a ticket) and is not set. */
export class MissingSecretError extends Error {
  readonly code = 'MISSING_SECRET' as const;
  override readonly name = 'MissingSecretError';
}

const DAY_SECONDS = 24 * 60 * 60;

interface Shared<U extends BaseUser> {
  reissuer?: ServerReissuer<U>;
  usedTickets?: UsedTicketStore;
}

export function createNextAuthReissue<U extends BaseUser>(options: NextAuthReissueOptions<U>) {
  const maxAgeSeconds = options.maxAgeSeconds ?? 30 * DAY_SECONDS;
  const key = Symbol.for(`token-reissue.next.${options.name ?? 'default'}`);
  const holder = globalThis as typeof globalThis & { [key: symbol]: Shared<U> | undefined };
  const shared: Shared<U> = (holder[key] ??= {});

  const parse = (value: unknown): ReissueSession<U> | null => {
    const claims = value as Partial<ReissueSession<U>> | null;
    if (!claims || typeof claims !== 'object' || typeof claims.sid !== 'string') return null;
    return z.safeParse(options.tokenPairSchema, value).success
      ? (value as ReissueSession<U>)
      : null;
  };
  const secret = () => {
    const value = options.secret();
    if (!value) throw new MissingSecretError('The secret (NEXTAUTH_SECRET) is not set');
    return value;
  };
  const store = createNextAuthSessionStore<ReissueSession<U>>({
    url: options.url,
    secret,
    maxAgeSeconds,
    parse,
  });
  const reissuer = () =>
    (shared.reissuer ??= createServerReissuer<U>({
      backend: options.backend,
      coordinator:
        options.coordinator ??
        ((call) => createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000 })),
      rotations: options.rotations,
      telemetry: options.telemetry,
    }));
  const usedTickets = () => (shared.usedTickets ??= options.usedTickets ?? memoryUsedTicketStore());
  const tickets = createTickets<U>({
    secret,
    tokenPairSchema: options.tokenPairSchema,
  });
  const session = requestTokenSource<ReissueSession<U>, U>({
    store: () => store,
    reissuer,
    withTokens,
  });

  const authorize = credentialsAuthorize<U>({
    backend: options.backend,
    ticket: async (ticket) =>
      authorizeTicket(ticket, {
        cookies: await cookies(),
        store,
        open: tickets.open,
        reissuer: reissuer(),
        usedTickets: usedTickets(),
        telemetry: options.telemetry,
      }),
  });

  const authOptions: AuthOptions = {
    secret: options.secret(),
    useSecureCookies: sessionCookie(options.url).options.secure,
    session: { strategy: 'jwt', maxAge: maxAgeSeconds },
    providers: [
      CredentialsProvider({
        name: 'Email',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        // next-auth's `User` is the app's to declare (types/next-auth.d.ts).
        authorize: authorize as never,
      }),
    ],
    callbacks: {
      // `user` is set only at sign-in; `update()` from the browser never reaches the tokens.
      jwt({ token, user }) {
        if (user) {
          const signedIn = user as unknown as AuthorizedUser<U>;
          return sessionFromTokens(signedIn, signedIn.sid) as unknown as typeof token;
        }
        // Throwing makes next-auth clear the cookie: no session outlives its refresh token.
        const current = parse(token);
        if (!current) throw new SessionCookieRejected('The session cookie lacks a field');
        if (Date.now() >= current.refreshTokenExpiresAt) {
          throw new SessionCookieRejected('The session outlived its refresh token');
        }
        return token;
      },
      // What `useSession()` and `/api/auth/session` expose: never the refresh token.
      session({ session, token }) {
        const current = token as unknown as ReissueSession<U>;
        return {
          expires: session.expires,
          user: current.user,
          accessToken: current.accessToken,
          accessTokenExpiresAt: current.accessTokenExpiresAt,
          serverNow: Date.now(),
        } as unknown as typeof session;
      },
    },
    events: {
      async signOut({ token }) {
        const ended = token as unknown as Partial<ReissueSession<U>> | null;
        if (ended?.refreshToken) await options.backend.logout(ended.refreshToken);
      },
    },
  };

  return {
    /** next-auth's options: spread them and add yours (`pages`, more providers, …). */
    authOptions,
    /** `export function proxy(req) { return auth.proxy(req) }` in `proxy.ts`. */
    proxy: (req: NextRequest) =>
      proxySessionStep(req, {
        store,
        reissuer: reissuer(),
        withTokens,
        marginMs: options.marginMs ?? 15_000,
        signInPath: options.signInPath,
        requiresSession: options.requiresSession,
      }),
    /** `export const POST = auth.reissueRoute` in `app/api/auth/reissue/route.ts`. */
    reissueRoute: (req: NextRequest) =>
      reissueResponse(req, { store, reissuer: reissuer(), seal: tickets.seal, withTokens }),
    /** axios for Server Components, route handlers and server actions. */
    serverAuth: createServerAuth(session, options.apiUrl),
    /** `fetch` for the same, with the same single flight and retries. */
    serverFetch: createServerFetch(session, options.apiUrl),
    store,
    reissuer,
    tickets,
  };
}
