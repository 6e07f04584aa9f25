'use client';

import { signIn } from 'next-auth/react';
import Link from 'next/link';
import { useActionState, useState, type FormEvent } from 'react';
import { signInErrorMessage } from '@/app/_components/sign-in-messages';
import { TextField } from '../_components/text-field';
import { signInWithPassword } from './actions';

/**
 * With JavaScript: next-auth's signIn(), then a page load of the return URL.
 * Without: the same form posts to a server action that signs in and redirects.
 */
export function SignInForm({
  callbackUrl,
  notice,
  email,
}: {
  callbackUrl: string;
  notice?: string;
  /** Filled in after sign-up; the cursor then starts in the password field. */
  email?: string;
}) {
  const [state, formAction, actionPending] = useActionState(signInWithPassword, {});
  const [clientError, setClientError] = useState<string>();
  const [clientPending, setClientPending] = useState(false);
  const pending = actionPending || clientPending;
  const error = clientError ?? (state.error ? signInErrorMessage(state.error) : undefined);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setClientPending(true);
    setClientError(undefined);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
      redirect: false,
    });
    if (result?.ok && !result.error) {
      // A full load, not router.replace: the client router may hold a prefetched redirect of
      // the return URL back to this page from while the visitor was signed out.
      window.location.assign(callbackUrl);
      return;
    }
    setClientPending(false);
    setClientError(signInErrorMessage(result?.error));
  }

  return (
    <form className="card form" action={formAction} onSubmit={onSubmit}>
      <h1>Sign in</h1>
      {notice && !error && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email ?? email}
        error={state.fieldErrors?.email}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus={Boolean(email)}
        error={state.fieldErrors?.password}
      />
      <button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="muted">
        New here?{' '}
        <Link href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
