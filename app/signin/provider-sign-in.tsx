'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';

/** next-auth's error codes on the way back from a provider, in words. */
const ERRORS: Record<string, string> = {
  AccessDenied: 'The sign-in was cancelled or refused.',
};

function providerError(code: string | undefined, name: string): string | undefined {
  if (!code) return undefined;
  return ERRORS[code] ?? `Signing in with ${name} did not work. Try again.`;
}

/**
 * Sign-in at the OpenID provider (`AUTH_BACKEND=oidc`): next-auth's signIn() starts the
 * authorization code flow (PKCE, state, nonce) and the browser goes to the provider's login
 * page; the provider sends it back to the return URL, signed in. Needs JavaScript: next-auth
 * starts the flow with a POST that carries its CSRF token.
 */
export function ProviderSignIn({
  providerId,
  name,
  callbackUrl,
  notice,
  error,
}: {
  providerId: string;
  name: string;
  callbackUrl: string;
  notice?: string;
  error?: string;
}) {
  const [pending, setPending] = useState(false);
  const message = providerError(error, name);

  return (
    <div className="card form">
      <h1>Sign in</h1>
      {notice && !message && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <p className="muted">Your account is managed by {name}.</p>
      <button
        type="button"
        disabled={pending}
        aria-busy={pending}
        onClick={() => {
          setPending(true);
          void signIn(providerId, { callbackUrl }).catch(() => setPending(false));
        }}
      >
        {pending ? `Going to ${name}…` : `Sign in with ${name}`}
      </button>
      <noscript>
        <p className="error">Signing in with {name} needs JavaScript.</p>
      </noscript>
    </div>
  );
}
