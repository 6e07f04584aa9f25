import 'server-only';
import { randomBytes } from 'node:crypto';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { authSecret, config } from '@/lib/config';
import { sessionTokenSchema, type TokenPair } from '@/lib/validations/auth';

/** Cookie lifetime; the session's real end is the refresh token's family expiry, checked in `jwt`. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

// next-auth v4 splits cookies over 4096 bytes into `name.0`, `name.1`, …; same sizes here.
const CHUNK_SIZE = 4096 - 163;

interface CookieJar {
  getAll(): { name: string; value: string }[];
}

export interface SetCookie {
  name: string;
  value: string;
  options: {
    httpOnly: true;
    sameSite: 'lax';
    path: '/';
    secure: boolean;
    maxAge: number;
  };
}

export function sessionCookieName(): string {
  return `${config().secureCookies ? '__Secure-' : ''}next-auth.session-token`;
}

function sessionChunks(jar: CookieJar): { name: string; value: string }[] {
  const name = sessionCookieName();
  const index = (cookie: string) => (cookie === name ? 0 : Number(cookie.slice(name.length + 1)));
  return jar
    .getAll()
    .filter(
      (c) =>
        c.name === name ||
        (c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1))),
    )
    .sort((a, b) => index(a.name) - index(b.name));
}

/** True when `value` (a decoded JWT) has every field a session needs. */
export function isSession(value: unknown): value is JWT {
  return sessionTokenSchema.safeParse(value).success;
}

/**
 * The decoded session JWT, or null when there is none, it does not decrypt, or it lacks a
 * field: callers treat all three as "no session" (and clear the cookie when one is present).
 */
export async function readSession(jar: CookieJar): Promise<JWT | null> {
  const raw = sessionChunks(jar)
    .map((c) => c.value)
    .join('');
  if (!raw) return null;
  try {
    const decoded = await decode({ token: raw, secret: authSecret() });
    return isSession(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

/** A fresh session id, made once per sign-in. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The session cookie's content for a token pair from the API, in session `sid`. */
export function sessionFromTokens(tokens: TokenPair, sid: string): JWT {
  return {
    sub: tokens.user.id,
    sid,
    user: tokens.user,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
  };
}

/** The session JWT after a reissue: same subject, session id and claims, new token pair. */
export function withTokens(session: JWT, tokens: TokenPair): JWT {
  return { ...session, ...sessionFromTokens(tokens, session.sid) };
}

function cookieOptions(maxAge: number): SetCookie['options'] {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config().secureCookies, maxAge };
}

/** The cookies that store `session`, chunked as next-auth does, plus deletions of stale chunks. */
export async function sessionCookies(jar: CookieJar, session: JWT): Promise<SetCookie[]> {
  const value = await encode({
    token: session,
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  const name = sessionCookieName();
  const count = Math.ceil(value.length / CHUNK_SIZE);
  const fresh: SetCookie[] =
    count === 1
      ? [{ name, value, options: cookieOptions(SESSION_MAX_AGE_SECONDS) }]
      : Array.from({ length: count }, (_, i) => ({
          name: `${name}.${i}`,
          value: value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE),
          options: cookieOptions(SESSION_MAX_AGE_SECONDS),
        }));
  const keep = new Set(fresh.map((c) => c.name));
  return [...clearedSessionCookies(jar).filter((c) => !keep.has(c.name)), ...fresh];
}

/** Deletions for every session cookie chunk present in `jar`. */
export function clearedSessionCookies(jar: CookieJar): SetCookie[] {
  return sessionChunks(jar).map(({ name }) => ({ name, value: '', options: cookieOptions(0) }));
}
