import 'server-only';
import { cookies } from 'next/headers';
import { usesSecureCookies } from 'token-reissue/next';
import { z } from 'zod';
import { config } from '@/lib/config';

/**
 * The email a visitor just signed up with, carried to the sign-in form so they need not type it
 * again. A short-lived cookie scoped to /signin, not the URL: a query string ends up in history
 * and access logs. Set alike for new and taken emails, so the sign-in page still answers the
 * same either way.
 */
const COOKIE = 'signed-up-email';
const MAX_AGE_SECONDS = 300;

export async function rememberSignedUpEmail(email: string): Promise<void> {
  (await cookies()).set(COOKIE, email, {
    httpOnly: true,
    sameSite: 'lax',
    secure: usesSecureCookies(config().NEXTAUTH_URL),
    path: '/signin',
    maxAge: MAX_AGE_SECONDS,
  });
}

/** The remembered email, if it is one. */
export async function signedUpEmail(): Promise<string | undefined> {
  const parsed = z
    .email()
    .max(254)
    .safeParse((await cookies()).get(COOKIE)?.value);
  return parsed.success ? parsed.data : undefined;
}
