'use client';

import { signIn } from 'next-auth/react';
import Link from 'next/link';
import { useActionState, useState, type FormEvent } from 'react';
import { signInErrorMessage } from '@/lib/auth/sign-in-messages';
import { signInWithPassword } from './actions';

/**
 * With JavaScript: next-auth's signIn(), then a page load of the return URL.
 * Without: the same form posts to a server action that signs in and redirects.
 */
export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
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
    <form className="card form" action={formAction} onSubmit={onSubmit} noValidate={false}>
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
      <label htmlFor="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        aria-invalid={Boolean(state.fieldErrors?.email)}
        aria-describedby={state.fieldErrors?.email ? 'email-error' : undefined}
      />
      {state.fieldErrors?.email && (
        <p id="email-error" className="field-error">
          {state.fieldErrors.email}
        </p>
      )}
      <label htmlFor="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={Boolean(state.fieldErrors?.password)}
        aria-describedby={state.fieldErrors?.password ? 'password-error' : undefined}
      />
      {state.fieldErrors?.password && (
        <p id="password-error" className="field-error">
          {state.fieldErrors.password}
        </p>
      )}
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
