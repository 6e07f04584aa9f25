'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cookieStoreTarget } from 'token-reissue/server';
import type { AuthFormState } from '@/lib/server/auth-form';
import { backend } from '@/lib/server/backend';
import { signInWithPasswordForm } from '@/lib/server/password-sign-in';
import { safeReturnUrl } from '@/lib/server/return-url';
import { signedOutUrl } from '@/lib/server/sign-out';
import { sessionStore } from '@/lib/server/session-store';

/**
 * Password sign-in for the form when JavaScript is off (with JavaScript the form uses
 * next-auth's signIn()). Writes the same session cookie next-auth would, then redirects.
 */
export async function signInWithPassword(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const result = await signInWithPasswordForm(form);
  if (!result.ok) {
    return { values: result.values, error: result.error, fieldErrors: result.fieldErrors };
  }
  redirect(safeReturnUrl(form.get('callbackUrl')));
}

/**
 * Sign-out for the header's form when JavaScript is off (with JavaScript the header signs out
 * through the tab's actor). Ends the refresh-token family on the API, then clears the cookie.
 */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const store = sessionStore();
  const session = await store.read(jar);
  const leaveTo = await signedOutUrl(jar, (await headers()).get('origin') ?? '');
  if (session?.refreshToken) await backend.logout(session.refreshToken);
  store.clear(jar).to(cookieStoreTarget(jar));
  redirect(leaveTo);
}
