// Step 9: your components call your API through `auth.clientAuth`; 401s reissue once, then retry.
'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';
import { auth } from '@/lib/auth/browser';

export function SignIn() {
  const [error, setError] = useState('');
  async function submit(form: FormData) {
    const result = await signIn('credentials', {
      email: String(form.get('email')),
      password: String(form.get('password')),
      redirect: false,
    });
    if (result?.ok) window.location.reload();
    else setError('Sign-in failed');
  }
  return (
    <form action={submit}>
      <label>
        Email <input name="email" type="email" />
      </label>
      <label>
        Password <input name="password" type="password" />
      </label>
      <button type="submit">Sign in</button>
      <p>{error}</p>
    </form>
  );
}

export function Burst({ email }: { email: string }) {
  const [result, setResult] = useState('');
  async function fire() {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => auth.clientAuth.get('/users/me')),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    setResult(`${ok} of ${results.length} succeeded`);
  }
  return (
    <section>
      <p>Signed in as {email}</p>
      <button type="button" onClick={fire}>
        Fire 20 requests
      </button>
      <p data-testid="burst-result">{result}</p>
    </section>
  );
}
