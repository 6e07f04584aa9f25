'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { signInErrorMessage } from '@/lib/auth/sign-in-messages';
import { signUp } from '../signin/actions';

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState(signUp, {});
  const field = (name: 'email' | 'password' | 'penName') => ({
    'aria-invalid': Boolean(state.fieldErrors?.[name]),
    'aria-describedby': state.fieldErrors?.[name] ? `${name}-error` : `${name}-hint`,
  });
  const fieldError = (name: 'email' | 'password' | 'penName') =>
    state.fieldErrors?.[name] && (
      <p id={`${name}-error`} className="field-error">
        {state.fieldErrors[name]}
      </p>
    );

  return (
    <form className="card form" action={formAction}>
      <h1>Create an account</h1>
      {state.error && (
        <p className="error" role="alert">
          {signInErrorMessage(state.error)}
        </p>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor="penName">Pen name</label>
      <input
        id="penName"
        name="penName"
        autoComplete="nickname"
        required
        minLength={2}
        maxLength={40}
        defaultValue={state.values?.penName}
        {...field('penName')}
      />
      <p id="penName-hint" className="muted hint">
        Shown on your posts. 2–40 characters.
      </p>
      {fieldError('penName')}
      <label htmlFor="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        {...field('email')}
      />
      <p id="email-hint" className="muted hint" hidden>
        Your email address.
      </p>
      {fieldError('email')}
      <label htmlFor="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        {...field('password')}
      />
      <p id="password-hint" className="muted hint">
        At least 8 characters.
      </p>
      {fieldError('password')}
      <button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </button>
      <p className="muted">
        Already have an account?{' '}
        <Link href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>
      </p>
    </form>
  );
}
