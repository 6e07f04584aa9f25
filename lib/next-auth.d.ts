/**
 * The app's user and session types, declared once, where next-auth's are augmented. The
 * reissue core (lib/core) is generic over the user; this app's user has a pen name and a
 * field image, and everything that knows of them takes the type from here.
 */
export interface SessionUser {
  id: string;
  email: string;
  penName: string;
  fieldImage: string | null;
}

declare module 'next-auth' {
  /** What `useSession()` and `/api/auth/session` expose: never the refresh token. */
  interface Session {
    accessToken: string;
    accessTokenExpiresAt: number;
    user: SessionUser;
    /** The server's clock when it produced this session; the browser corrects its clock with it. */
    serverNow: number;
  }

  /** What `authorize()` returns: the user plus the API's token pair. */
  interface User {
    id: string;
    /** The session id the cookie will carry: new for a password sign-in, kept for a reissue. */
    sid: string;
    user: SessionUser;
    accessToken: string;
    accessTokenExpiresAt: number;
    refreshToken: string;
    refreshTokenExpiresAt: number;
    idToken?: string;
  }
}

declare module 'next-auth/jwt' {
  /** The encrypted session cookie's content. Only the Next server can read it. */
  interface JWT {
    sub?: string;
    /** Set at sign-in, kept across reissues; reissue tickets are bound to it. */
    sid: string;
    user: SessionUser;
    accessToken: string;
    accessTokenExpiresAt: number;
    refreshToken: string;
    refreshTokenExpiresAt: number;
    /** OpenID providers only: the latest ID token, for the logout's id_token_hint. */
    idToken?: string;
  }
}
