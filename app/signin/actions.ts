'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { cookieStoreTarget } from 'token-reissue/server';
import { caller, failureCode, type AuthFormState } from '@/lib/server/auth-form';
import { backend } from '@/lib/server/backend';
import { recordSignInFailure } from '@/lib/server/metrics/record';
import { safeReturnUrl } from '@/lib/server/return-url';
import { newSessionId, sessionFromTokens } from '@/lib/server/session-claims';
import { sessionStore } from '@/lib/server/session-store';
import type { TokenPair } from '@/lib/validations/auth';

async function startSession(tokens: TokenPair) {
  const jar = await cookies();
  const write = await sessionStore().write(jar, sessionFromTokens(tokens, newSessionId()));
  write.to(cookieStoreTarget(jar));
}

const passwordForm = z.object({
  email: z.string().trim().min(1, 'Enter your email').max(254),
  password: z.string().min(1, 'Enter your password').max(128),
});

/**
 * Password sign-in for the form when JavaScript is off (with JavaScript the form uses
 * next-auth's signIn()). Writes the same session cookie next-auth would, then redirects.
 */
export async function signInWithPassword(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const input = passwordForm.safeParse({
    email: form.get('email'),
    password: form.get('password'),
  });
  const values = { email: String(form.get('email') ?? '') };
  if (!input.success) {
    const errors = z.flattenError(input.error).fieldErrors;
    return { values, fieldErrors: { email: errors.email?.[0], password: errors.password?.[0] } };
  }
  const result = await backend.login(input.data.email, input.data.password, await caller());
  if (!result.ok) {
    recordSignInFailure(result.failure);
    return { values, error: failureCode(result.failure) };
  }
  await startSession(result.value);
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
  if (session?.refreshToken) await backend.logout(session.refreshToken);
  store.clear(jar).to(cookieStoreTarget(jar));
  redirect('/signin?reason=signedOut');
}
