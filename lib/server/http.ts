import 'server-only';
import axios, { type AxiosInstance } from 'axios';
import type { JWT } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '@/lib/core/errors';
import { noteRejectedAccessToken, reissueOnce } from '@/lib/server/reissuer';
import { readSession, sessionCookies, withTokens } from '@/lib/server/session-cookie';
import { config } from '@/lib/config';
import { attachAuthInterceptors, type TokenSource } from '@/lib/core/http/interceptors';

const API_TIMEOUT_MS = 15_000;

function createServerInstance(): AxiosInstance {
  return axios.create({
    baseURL: config().BACKEND_URL,
    timeout: API_TIMEOUT_MS,
    responseType: 'json',
    headers: { Accept: 'application/json' },
  });
}

/** Per request (React's cache scope in Server Components): the newest session this request has seen. */
const requestSession = cache(() => ({ latest: undefined as JWT | null | undefined }));

async function currentSession(): Promise<JWT> {
  const held = requestSession();
  held.latest ??= await readSession(await cookies());
  if (!held.latest) throw new NotSignedInError();
  return held.latest;
}

/**
 * Writes the reissued session where the context allows (route handlers, server actions). A
 * Server Component cannot set cookies: there the proxy, the single-flight cache and the API's
 * reuse grace window carry the new token until the next request.
 */
async function persist(session: JWT): Promise<void> {
  requestSession().latest = session;
  const jar = await cookies();
  try {
    for (const { name, value, options } of await sessionCookies(jar, session)) {
      jar.set(name, value, options);
    }
  } catch {
    // Rendering a Server Component: cookies are read-only here, by design.
  }
}

/** The session cookie as a token source; reissues share one API call per refresh token per process. */
const sessionTokenSource: TokenSource = {
  isRenewing: () => false,
  acquire: async () => (await currentSession()).accessToken,
  async renew(rejected) {
    const session = await currentSession();
    if (session.accessToken !== rejected) return session.accessToken;
    noteRejectedAccessToken(rejected, session.accessTokenExpiresAt);
    const result = await reissueOnce(session.refreshToken);
    if (!result.ok) {
      throw result.code === 'SESSION_EXPIRED'
        ? new SessionExpiredError()
        : new ReissueUnavailableError();
    }
    await persist(withTokens(session, result.tokens));
    return result.tokens.accessToken;
  },
};

/** Server requests that need no session. */
export const server = createServerInstance();

/** Server requests that carry the session's access token: RSC, route handlers, server actions. */
export const serverAuth = createServerInstance();
attachAuthInterceptors(serverAuth, sessionTokenSource);
