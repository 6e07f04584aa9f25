/**
 * The Next server's axios instances. `serverAuth` carries the session's access token through
 * the core's session token source; this module only says where this request's session lives
 * (React's per-request cache, the cookie store) and how a reissued one is saved.
 */
import 'server-only';
import type { JWT } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { config } from '@/lib/config';
import { attachAuthInterceptors, createApiInstance } from 'token-reissue';
import { cookieStoreTarget, sessionTokenSource } from 'token-reissue/server';
import { serverReissuer } from './reissuer';
import { withTokens } from './session-claims';
import { sessionStore } from './session-store';

/** Per request (React's cache scope in Server Components): the newest session this request has seen. */
const requestSession = cache(() => ({ latest: undefined as JWT | null | undefined }));

/**
 * The request's session from its cookie, then whatever this request reissued. Writes the
 * reissued session where the context allows (route handlers, server actions). A Server
 * Component cannot set cookies: there the proxy, the coordinator's shared outcome and the API's
 * reuse grace window carry the new token until the next request.
 */
const requestSessionSource = {
  async session(): Promise<JWT | null> {
    const held = requestSession();
    held.latest ??= await sessionStore().read(await cookies());
    return held.latest;
  },
  async save(session: JWT): Promise<void> {
    requestSession().latest = session;
    const jar = await cookies();
    const write = await sessionStore().write(jar, session);
    try {
      write.to(cookieStoreTarget(jar));
    } catch {
      // Rendering a Server Component: cookies are read-only here, by design.
    }
  },
};

function createServerInstance() {
  return createApiInstance({ baseURL: config().BACKEND_URL });
}

/** Server requests that need no session. */
export const server = createServerInstance();

/** Server requests that carry the session's access token: RSC, route handlers, server actions. */
export const serverAuth = createServerInstance();
attachAuthInterceptors(
  serverAuth,
  sessionTokenSource({
    ...requestSessionSource,
    // Resolved per call: importing this module builds nothing and reads no configuration.
    reissuer: {
      reissue: (refreshToken) => serverReissuer().reissue(refreshToken),
      noteRejectedAccessToken: (token, expiresAt) =>
        serverReissuer().noteRejectedAccessToken(token, expiresAt),
    },
    withTokens,
  }),
);
