'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { signInErrorMessage } from '@/lib/auth/sign-in-messages';
import { TextField } from '../_components/text-field';
import { signUp } from '../signin/actions';

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState(signUp, {});
  // Controlled: React resets a form's own fields after its action runs, and a person whose
  // input failed a server-side check should not have to type the password again.
  const [password, setPassword] = useState('');
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <form className="card form" action={formAction}>
      <h1>Create an account</h1>
      {state.error && (
        <p className="error" role="alert">
          {signInErrorMessage(state.error)}
        </p>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        name="penName"
        label="Pen name"
        autoComplete="nickname"
        required
        minLength={2}
        maxLength={40}
        defaultValue={state.values?.penName}
        hint="Shown on your profile and on each of your posts. 2–40 characters."
        error={state.fieldErrors?.penName}
      />
      <TextField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="At least 8 characters."
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={state.fieldErrors?.password}
      />
      <button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </button>
      <p className="muted">
        Already have an account? <Link href={signInHref}>Sign in</Link>
      </p>
    </form>
  );
}
