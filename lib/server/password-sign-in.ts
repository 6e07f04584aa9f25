/**
 * Password sign-in inside a server action, for forms that post without JavaScript: the sign-in
 * page's form and the "sign in again" dialog of a page whose session ended. Writes the session
 * cookie next-auth would write (through the one session store); the caller decides where to go.
 */
import 'server-only';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { cookieStoreTarget } from 'token-reissue/server';
import { caller, failureCode, type AuthFormState } from './auth-form';
import { backend } from './backend';
import { recordSignInFailure } from './metrics/record';
import { newSessionId, sessionFromTokens } from './session-claims';
import { sessionStore } from './session-store';

const passwordForm = z.object({
  email: z.string().trim().min(1, 'Enter your email').max(254),
  password: z.string().min(1, 'Enter your password').max(128),
});

export type PasswordSignIn = { ok: true } | ({ ok: false } & AuthFormState);

/** Checks the form's email and password with the API and, if they match, starts a session. */
export async function signInWithPasswordForm(form: FormData): Promise<PasswordSignIn> {
  const values = { email: String(form.get('email') ?? '') };
  const input = passwordForm.safeParse({
    email: form.get('email'),
    password: form.get('password'),
  });
  if (!input.success) {
    const errors = z.flattenError(input.error).fieldErrors;
    return {
      ok: false,
      values,
      fieldErrors: { email: errors.email?.[0], password: errors.password?.[0] },
    };
  }
  const result = await backend.login(input.data.email, input.data.password, await caller());
  if (!result.ok) {
    recordSignInFailure(result.failure);
    return { ok: false, values, error: failureCode(result.failure) };
  }
  const jar = await cookies();
  const write = await sessionStore().write(jar, sessionFromTokens(result.value, newSessionId()));
  write.to(cookieStoreTarget(jar));
  return { ok: true };
}
