import 'server-only';
import type { AuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { cookies } from 'next/headers';
import { authorizeTicket, oidcSignInProvider, usesSecureCookies } from 'token-reissue/next';
import { authSecret, config } from '@/lib/config';
import type { SessionUser } from '@/lib/next-auth';
import { OIDC_PROVIDER_ID } from '@/lib/sign-in-method';
import { userFromClaims } from '@/lib/validations/oidc';
import { credentialsSchema, type TokenPair } from '@/lib/validations/auth';
import { backend } from './backend';
import { clientAddress } from './client-address';
import { SIGN_IN_ERRORS } from '@/lib/sign-in-errors';
import { recordSignInFailure, recordTelemetry } from './metrics/record';
import { serverReissuer } from './reissuer';
import {
  isSession,
  newSessionId,
  SESSION_MAX_AGE_SECONDS,
  sessionFromTokens,
} from './session-claims';
import { sessionStore } from './session-store';
import { openTicket } from './tickets';
import { usedTicketStore } from './used-tickets';

function toUser(tokens: TokenPair, sid: string): User {
  return { id: tokens.user.id, sid, ...tokens };
}

/**
 * Accepts exactly two shapes: email + password (checked by the API), or a sealed reissue
 * ticket sealed for the session cookie already on this request (same subject and session id),
 * presented for the first time. Anything else, including extra fields such as `accessToken`
 * or `user`, is refused.
 */
async function authorize(
  credentials: Record<string, string> | undefined,
  req: { headers?: Record<string, unknown> },
): Promise<User | null> {
  const input = credentialsSchema.safeParse(credentials ?? {});
  if (!input.success) return null;

  if ('reissue' in input.data) {
    // Sealed for the session in this request's cookie, not older than it, first use only.
    const ticket = await authorizeTicket(input.data.reissue, {
      cookies: await cookies(),
      store: sessionStore(),
      open: openTicket,
      reissuer: serverReissuer(),
      usedTickets: usedTicketStore(),
      telemetry: recordTelemetry,
    });
    if (!ticket.ok) {
      console.warn(`[auth] reissue ticket refused: ${ticket.reason}`);
      return null;
    }
    return toUser(ticket.tokens, ticket.sid);
  }

  const result = await backend.login(input.data.email, input.data.password, {
    clientAddress: clientAddress(req.headers ?? {}),
  });
  if (result.ok) return toUser(result.value, newSessionId());
  recordSignInFailure(result.failure);
  if (result.failure.kind === 'rejected' && result.failure.status === 429) {
    throw new Error(SIGN_IN_ERRORS.rateLimited);
  }
  if (result.failure.kind === 'unavailable') throw new Error(SIGN_IN_ERRORS.unavailable);
  return null;
}

class SessionLifetimeEnded extends Error {
  constructor() {
    super('The session outlived its refresh token');
  }
}

class SessionMalformed extends Error {
  constructor() {
    super('The session cookie lacks a field');
  }
}

/**
 * With AUTH_BACKEND=oidc, sign-in at the provider (code + PKCE + state + nonce); its profile()
 * returns what authorize() does, so the `jwt` callback below serves both.
 */
function providerSignIn(): AuthOptions['providers'] {
  const { oidc } = config();
  if (!oidc) return [];
  return [
    oidcSignInProvider<SessionUser>({
      id: OIDC_PROVIDER_ID,
      name: oidc.providerName,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      clientAuth: oidc.clientAuth,
      scope: oidc.scope,
      authorizationParams: oidc.authorizationParams,
      user: userFromClaims,
    }),
  ];
}

export function authOptions(): AuthOptions {
  const withProvider = config().oidc !== undefined;
  return {
    secret: authSecret(),
    useSecureCookies: usesSecureCookies(config().NEXTAUTH_URL),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    // A provider's refusal comes back to our sign-in page, which says so.
    pages: withProvider ? { signIn: '/signin', error: '/signin' } : { signIn: '/signin' },
    providers: [
      ...providerSignIn(),
      CredentialsProvider({
        name: 'Email',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        authorize,
      }),
    ],
    callbacks: {
      // `user` is set only on sign-in; `update()` from the browser never reaches the tokens.
      jwt({ token, user }) {
        if (user) return sessionFromTokens(user, user.sid);
        // Throwing here makes next-auth clear the cookie: a cookie that decrypts but lacks a
        // field is no session, and no session outlives its refresh token family.
        if (!isSession(token)) throw new SessionMalformed();
        if (Date.now() >= token.refreshTokenExpiresAt) throw new SessionLifetimeEnded();
        return token;
      },
      session({ session, token }) {
        return {
          expires: session.expires,
          user: token.user,
          accessToken: token.accessToken,
          accessTokenExpiresAt: token.accessTokenExpiresAt,
          serverNow: Date.now(),
        };
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.refreshToken) await backend.logout(token.refreshToken);
      },
    },
  };
}
