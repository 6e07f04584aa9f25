import 'server-only';
import type { AuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { cookies } from 'next/headers';
import { authSecret, config } from '@/lib/config';
import { credentialsSchema, type TokenPair } from '@/lib/validations/auth';
import { backend } from './backend';
import { wasRotated } from './reissue-server';
import { readSession, SESSION_MAX_AGE_SECONDS, sessionFromTokens } from './session-cookie';
import { SIGN_IN_ERRORS } from './sign-in-errors';
import { openTicket } from './ticket';

function toUser(tokens: TokenPair): User {
  return { id: tokens.user.id, ...tokens };
}

/**
 * Accepts exactly two shapes: email + password (checked by the API), or a sealed reissue
 * ticket whose subject matches the session cookie already on this request. Anything else,
 * including extra fields such as `accessToken` or `user`, is refused.
 */
async function authorize(credentials: Record<string, string> | undefined): Promise<User | null> {
  const input = credentialsSchema.safeParse(credentials ?? {});
  if (!input.success) return null;

  if ('reissue' in input.data) {
    const current = await readSession(await cookies());
    const ticket = await openTicket(input.data.reissue, current?.sub);
    if (!ticket.ok) {
      console.warn(`[auth] reissue ticket refused: ${ticket.reason}`);
      return null;
    }
    // The reissue route already wrote its pair into the cookie; a ticket older than the cookie
    // (a delayed signIn arriving after a later reissue) must not roll it back to a rotated-out
    // refresh token. Refusing loses nothing: the cookie is newer.
    const stale =
      (current && ticket.tokens.accessTokenExpiresAt < current.accessTokenExpiresAt) ||
      wasRotated(ticket.tokens.refreshToken);
    if (stale) {
      console.warn('[auth] reissue ticket refused: older than the session cookie');
      return null;
    }
    return toUser(ticket.tokens);
  }

  const result = await backend.login(input.data.email, input.data.password);
  if (result.ok) return toUser(result.value);
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

export function authOptions(): AuthOptions {
  return {
    secret: authSecret(),
    useSecureCookies: config().secureCookies,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/signin' },
    providers: [
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
        if (user) return sessionFromTokens(user);
        // Absolute lifetime: throwing here makes next-auth clear the cookie.
        if (Date.now() >= token.refreshTokenExpiresAt) throw new SessionLifetimeEnded();
        return token;
      },
      session({ session, token }) {
        return {
          expires: session.expires,
          user: token.user,
          accessToken: token.accessToken,
          accessTokenExpiresAt: token.accessTokenExpiresAt,
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
