'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { backend, type BackendFailure } from '@/lib/auth/backend';
import { safeReturnUrl } from '@/lib/auth/return-url';
import {
  clearedSessionCookies,
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
  for (const { name, value, options } of await sessionCookies(jar, sessionFromTokens(tokens))) {
    jar.set(name, value, options);
  }
}

function failureCode(failure: BackendFailure): string {
  if (failure.kind === 'unavailable') return SIGN_IN_ERRORS.unavailable;
  if (failure.status === 429) return SIGN_IN_ERRORS.rateLimited;
  if (failure.status === 409) return SIGN_IN_ERRORS.emailTaken;
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
  const result = await backend.login(input.data.email, input.data.password);
  if (!result.ok) return { values, error: failureCode(result.failure) };
  await startSession(result.value);
  redirect(safeReturnUrl(form.get('callbackUrl')));
}

/** Creates the account on the API and signs the new user in. */
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
  const result = await backend.signUp(input.data);
  if (!result.ok) return { values, error: failureCode(result.failure) };
  await startSession(result.value);
  redirect(safeReturnUrl(form.get('callbackUrl')));
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
