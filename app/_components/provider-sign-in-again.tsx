'use client';

import { useState } from 'react';
import { signInInPopup, type PopupOutcome } from '@/lib/browser/provider-popup';

const MESSAGES: Partial<Record<PopupOutcome, string>> = {
  blocked: 'Your browser blocked the sign-in window. Allow pop-ups for this site and try again.',
  failed: 'The sign-in could not start. Try again in a moment.',
  closed: 'The sign-in window was closed.',
};

/**
 * The session dialog's body when people sign in at an OpenID provider: the provider's login runs
 * in a popup (lib/browser/provider-popup.ts), so this page, and what was typed on it, stays. The
 * dialog closes by itself once the new session reaches the tab's actor.
 */
export function ProviderSignInAgain({
  providerId,
  name,
  onNotNow,
}: {
  providerId: string;
  name: string;
  onNotNow: () => void;
}) {
  const [state, setState] = useState<PopupOutcome | 'idle' | 'waiting'>('idle');
  const waiting = state === 'waiting' || state === 'signedIn';
  const message = state === 'idle' || waiting ? undefined : MESSAGES[state];

  async function start() {
    setState('waiting');
    setState(await signInInPopup(providerId));
  }

  return (
    <>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      {waiting && (
        <p className="muted" role="status">
          Finish signing in in the {name} window.
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={() => void start()} disabled={waiting} aria-busy={waiting}>
          {`Sign in with ${name}`}
        </button>
        <button type="button" className="secondary" onClick={onNotNow}>
          Not now
        </button>
      </div>
    </>
  );
}
