// Step 5: the server wiring. The core's parts, given next-auth's cookie codec and your adapter.
import 'server-only';
import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { randomUUID } from 'node:crypto';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import {
  createInProcessCoordinator,
  createServerReissuer,
  createSessionStore,
  createTickets,
} from '@/lib/core/server';
import type { AppUser } from '@/types/next-auth';
import { backend, tokenPairSchema } from './backend';

const secret = process.env.NEXTAUTH_SECRET ?? '';
const MAX_AGE = 30 * 24 * 60 * 60;

/** Every session-cookie read and write goes through this store. */
export const sessionStore = createSessionStore<JWT>({
  cookieName: 'next-auth.session-token',
  secure: false,
  maxAgeSeconds: MAX_AGE,
  encode: (token, maxAge) => encode({ token, secret, maxAge }),
  decode: (raw) => decode({ token: raw, secret }),
  parse: (value) =>
    value && typeof value === 'object' && 'refreshToken' in value ? (value as JWT) : null,
});

/** One API reissue per refresh token in this process (use the Redis coordinator for several). */
export const reissuer = createServerReissuer<AppUser>({
  backend,
  coordinator: (call) => createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000 }),
});

/** Sealed reissue tickets: how signIn() learns a reissued pair without trusting the browser. */
export const tickets = createTickets<AppUser>({ secret: () => secret, tokenPairSchema });

export const authOptions: AuthOptions = {
  secret,
  session: { strategy: 'jwt', maxAge: MAX_AGE },
  providers: [
    CredentialsProvider({
      credentials: { email: {}, password: {}, reissue: {} },
      async authorize(credentials) {
        if (credentials?.reissue) {
          const current = await sessionStore.read(await cookies());
          // Only a ticket sealed for the session in this request's cookie is accepted.
          const opened = await tickets.open(credentials.reissue, current);
          if (!opened.ok || !current) return null;
          return { id: opened.tokens.user.id, sid: current.sid, ...opened.tokens };
        }
        const result = await backend.login(credentials?.email ?? '', credentials?.password ?? '');
        return result.ok ? { id: result.value.user.id, sid: randomUUID(), ...result.value } : null;
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => (user ? { ...user, sub: user.id } : token),
    session: ({ session, token }) => ({
      expires: session.expires,
      user: token.user,
      accessToken: token.accessToken,
      accessTokenExpiresAt: token.accessTokenExpiresAt,
    }),
  },
};
