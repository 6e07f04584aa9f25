'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { caller, failureCode, type AuthFormState } from '@/lib/server/auth-form';
import { backend } from '@/lib/server/backend';
import { safeReturnUrl } from '@/lib/server/return-url';
import { rememberSignedUpEmail } from '@/lib/server/signed-up-email';
import { signUpSchema } from '@/lib/validations/auth';

/**
 * Asks the API to create the account, then sends the visitor to sign in with the email filled
 * in, whether the email was new or already had an account: the browser sees the same answer either way, so sign-up
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
  // The sign-in form fills it in, for new and taken emails alike.
  await rememberSignedUpEmail(input.data.email);
  const signIn = new URLSearchParams({
    reason: 'signedUp',
    callbackUrl: safeReturnUrl(form.get('callbackUrl')),
  });
  redirect(`/signin?${signIn}`);
}
