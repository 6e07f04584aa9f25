// Your user type, declared once, where next-auth's types are augmented.
import type { ReissueSession } from 'token-reissue/next';

export interface AppUser {
  id: string;
  email: string;
}

declare module 'next-auth' {
  /** What `useSession()` sees: the access token and the user, never the refresh token. */
  interface Session {
    accessToken: string;
    accessTokenExpiresAt: number;
    user: AppUser;
    serverNow: number;
  }
  interface User extends ReissueSession<AppUser> {
    id: string;
  }
}

declare module 'next-auth/jwt' {
  /** The encrypted session cookie: only the Next server reads it. */
  interface JWT extends ReissueSession<AppUser> {}
}
