// Client components: clientAuth from the browser, and a server action.
'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { auth } from '@/lib/auth/browser';
import { whoAmI } from './actions';

export function SignIn() {
  async function submit(form: FormData) {
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    const result = await signIn('credentials', { email, password, redirect: false });
    if (result?.ok) window.location.reload();
  }
  return (
    <form action={submit}>
      <input name="email" type="email" aria-label="Email" />
      <input name="password" type="password" aria-label="Password" />
      <button type="submit">Sign in</button>
    </form>
  );
}

export function Burst() {
  const [result, setResult] = useState('');
  async function fire() {
    const calls = Array.from({ length: 20 }, () => auth.clientAuth.get('/users/me'));
    const ok = (await Promise.allSettled(calls)).filter((r) => r.status === 'fulfilled');
    setResult(`${ok.length} of ${calls.length} succeeded`);
  }
  return (
    <p>
      <button onClick={fire}>Fire 20 requests</button>
      <output data-testid="burst-result">{result}</output>
    </p>
  );
}

export function AskServer() {
  const [email, setEmail] = useState('');
  return (
    <p>
      <button onClick={async () => setEmail(await whoAmI())}>Ask the server</button>
      <output data-testid="action-result">{email}</output>
    </p>
  );
}
