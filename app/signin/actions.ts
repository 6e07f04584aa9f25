'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { backend, type BackendFailure } from '@/lib/auth/backend';
import { clientAddress } from '@/lib/auth/client-address';
import { safeReturnUrl } from '@/lib/auth/return-url';
import {
  clearedSessionCookies,
  newSessionId,
  readSession,
  sessionCookies,
  sessionFromTokens,
} from '@/lib/auth/session-cookie';
import { SIGN_IN_ERRORS } from '@/lib/auth/sign-in-errors';
import { signUpSchema, type TokenPair } from '@/lib/validations/auth';

export interface AuthFormState {
  error?: string;
  fieldErrors?: Partial<Record<'email' | 'password' | 'penName', string>>;
  values?: { email?: string; penName?: string };
}

async function startSession(tokens: TokenPair) {
  const jar = await cookies();
  const session = sessionFromTokens(tokens, newSessionId());
  for (const { name, value, options } of await sessionCookies(jar, session)) {
    jar.set(name, value, options);
  }
}

async function caller() {
  return { clientAddress: clientAddress(await headers()) };
}

function failureCode(failure: BackendFailure): string {
  if (failure.kind === 'unavailable') return SIGN_IN_ERRORS.unavailable;
  if (failure.status === 429) return SIGN_IN_ERRORS.rateLimited;
  return SIGN_IN_ERRORS.credentials;
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
  if (!result.ok) return { values, error: failureCode(result.failure) };
  await startSession(result.value);
  redirect(safeReturnUrl(form.get('callbackUrl')));
}

/**
 * Asks the API to create the account, then sends the visitor to sign in, whether the email was
 * new or already had an account: the browser sees the same answer either way, so sign-up
 * cannot tell anyone which emails are registered. (The follow-up a production app adds is an
 * email to the address: a welcome for a new account, a "someone tried to sign up" notice for an
 * existing one.) Validation and the rate limit do not depend on the email existing.
 */
export async function signUp(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const raw = {
    email: form.get('email'),
    password: form.get('password'),
    penName: form.get('penName'),
  };
  const values = { email: String(raw.email ?? ''), penName: String(raw.penName ?? '') };
  const input = signUpSchema.safeParse(raw);
  if (!input.success) {
    const errors = z.flattenError(input.error).fieldErrors;
    return {
      values,
      fieldErrors: {
        email: errors.email?.[0],
        password: errors.password?.[0],
        penName: errors.penName?.[0],
      },
    };
  }
  const result = await backend.signUp(input.data, await caller());
  const emailTaken =
    !result.ok && result.failure.kind === 'rejected' && result.failure.status === 409;
  if (!result.ok && !emailTaken) return { values, error: failureCode(result.failure) };
  // The new account's first token pair is not used: the visitor signs in like everyone else.
  if (result.ok) void backend.logout(result.value.refreshToken);
  const signIn = new URLSearchParams({
    reason: 'signedUp',
    callbackUrl: safeReturnUrl(form.get('callbackUrl')),
  });
  redirect(`/signin?${signIn}`);
}

/**
 * Sign-out for the header's form when JavaScript is off (with JavaScript the header signs out
 * through the tab's actor). Ends the refresh-token family on the API, then clears the cookie.
 */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const session = await readSession(jar);
  if (session?.refreshToken) await backend.logout(session.refreshToken);
  for (const { name, value, options } of clearedSessionCookies(jar)) jar.set(name, value, options);
  redirect('/signin?reason=signedOut');
}
