/**
 * next-auth 4 names its session cookie and sets its flags from `NEXTAUTH_URL`: over https the
 * name gets the `__Secure-` prefix and the cookie is `Secure`. A store that guessed
 * `next-auth.session-token` would find no session behind https. This module derives both the
 * way next-auth's core does (`parseUrl`, then `defaultCookies(base.startsWith('https://'))`),
 * and a unit test compares the result with next-auth's own functions.
 */

export interface SessionCookie {
  name: string;
  options: { httpOnly: true; sameSite: 'lax'; path: '/'; secure: boolean };
}

/**
 * True when next-auth would use secure cookies for this `NEXTAUTH_URL`: an https URL, or a
 * host without a scheme (next-auth reads those as https). No URL means http://localhost:3000.
 */
export function usesSecureCookies(nextAuthUrl: string | undefined): boolean {
  if (!nextAuthUrl) return false;
  const url = nextAuthUrl.startsWith('http') ? nextAuthUrl : `https://${nextAuthUrl}`;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The session cookie's name and flags next-auth uses for this `NEXTAUTH_URL`. */
export function sessionCookie(nextAuthUrl: string | undefined): SessionCookie {
  const secure = usesSecureCookies(nextAuthUrl);
  return {
    name: `${secure ? '__Secure-' : ''}next-auth.session-token`,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure },
  };
}
