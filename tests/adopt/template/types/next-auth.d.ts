// Step 3: the app's user type, declared once, where next-auth's types are augmented.
import type { TokenPair } from '@/lib/core/server';

export interface AppUser {
  id: string;
  email: string;
}

declare module 'next-auth' {
  interface Session {
    accessToken: string;
    accessTokenExpiresAt: number;
    user: AppUser;
  }
  interface User extends TokenPair<AppUser> {
    id: string;
    /** The session id: new at a password sign-in, kept across reissues; tickets are bound to it. */
    sid: string;
  }
}

declare module 'next-auth/jwt' {
  /** The encrypted session cookie: only the Next server reads it. */
  interface JWT extends TokenPair<AppUser> {
    sub?: string;
    sid: string;
  }
}
