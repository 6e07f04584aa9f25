'use client';

import { useSelector } from '@xstate/react';
import { signIn, signOut } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type FormEvent,
  type MouseEvent,
} from 'react';
import { getAuthActor } from '@/lib/browser/actor';
import { sessionEnded, type SessionEnded } from '@/app/_components/hooks/use-session-ended';
import { signInErrorMessage } from '@/app/_components/sign-in-messages';
import { ProviderSignInAgain } from './provider-sign-in-again';
import { useSignInMethod } from './sign-in-method';

type Reason = Exclude<SessionEnded, null>;

/** What the dialog and its banner say, by why the session ended. */
const WORDS: Record<Reason, { title: string; why: string; banner: string }> = {
  expired: {
    title: 'Your session ended',
    why: 'For your security you were signed out.',
    banner: 'Your session ended.',
  },
  signedOut: {
    title: 'You were signed out',
    why: 'You signed out in another tab or window.',
    banner: 'You were signed out.',
  },
};

function signInPageUrl(reason: Reason): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return `/signin?reason=${reason}&callbackUrl=${encodeURIComponent(here)}`;
}

/**
 * Sign in again without leaving the page: after the session expired, or after a sign-out in
 * another tab. Success updates next-auth's session; the AuthBridge hands it to the actor as
 * SESSION_UPDATE, the actor has a session again, and this unmounts.
 */
function ExpiredDialog({ email, reason }: { email: string; reason: Reason }) {
  const words = WORDS[reason];
  // Leaves through the sign-in page; a dead session is signed out first, or the page would bounce back here.
  const goToSignIn = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    void signOut({ callbackUrl: signInPageUrl(reason) });
  };
  const dialogRef = useRef<HTMLDialogElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(true);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const method = useSignInMethod();

  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      (email ? passwordRef : emailRef).current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, email]);

  const stuck = useRef<ReturnType<typeof setTimeout>>(undefined);
  // Close before the element leaves the page, so the browser returns focus where it was.
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    return () => {
      clearTimeout(stuck.current);
      dialog?.close();
    };
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? '').trim(),
        password: String(form.get('password') ?? ''),
        redirect: false,
      });
      if (result?.ok && !result.error) {
        // Still pending: the dialog closes when the new session reaches the actor, normally at once.
        stuck.current = setTimeout(() => {
          setPending(false);
          setError('You are signed in, but this page has not caught up. Reload it to continue.');
        }, 10_000);
        return;
      }
      setError(signInErrorMessage(result?.error));
    } catch {
      setError(signInErrorMessage('unavailable'));
    }
    setPending(false);
  }

  return (
    <>
      {!open && (
        <div className="banner banner-error" role="status" data-testid="session-ended-banner">
          <p>
            <strong>{words.banner}</strong> Your work on this page is still here; sign in to save
            it.
          </p>
          <button type="button" onClick={() => setOpen(true)}>
            Sign in again
          </button>
        </div>
      )}
      <dialog
        ref={dialogRef}
        className="dialog"
        aria-labelledby="expired-title"
        aria-describedby="expired-description"
        // Only a close the person made: React's StrictMode (development) runs the unmount
        // cleanup's close() and then opens the dialog again, and that close event arrives after.
        onClose={(event) => {
          if (!event.currentTarget.open) setOpen(false);
        }}
        data-testid="session-expired-dialog"
      >
        <form className="form" onSubmit={onSubmit}>
          <h2 id="expired-title">{words.title}</h2>
          <p id="expired-description" className="muted">
            {words.why} Sign in again to pick up where you left off: you stay on this page and
            nothing you typed is lost.
          </p>
          {method.kind === 'provider' ? (
            <ProviderSignInAgain
              providerId={method.id}
              name={method.name}
              onNotNow={() => setOpen(false)}
            />
          ) : (
            <>
              {error && (
                <p className="error" role="alert">
                  {error}
                </p>
              )}
              <label htmlFor="expired-email">Email</label>
              <input
                ref={emailRef}
                id="expired-email"
                name="email"
                type="email"
                autoComplete="email"
                required
                defaultValue={email}
              />
              <label htmlFor="expired-password">Password</label>
              <input
                ref={passwordRef}
                id="expired-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
              />
              <div className="dialog-actions">
                <button type="submit" disabled={pending} aria-busy={pending}>
                  {pending ? 'Signing in…' : 'Sign in'}
                </button>
                <button type="button" className="secondary" onClick={() => setOpen(false)}>
                  Not now
                </button>
              </div>
            </>
          )}
          <p className="dialog-footer">
            <a href={signInPageUrl(reason)} onClick={goToSignIn}>
              Go to the sign-in page
            </a>
          </p>
        </form>
      </dialog>
    </>
  );
}

/**
 * Shows the dialog while the tab's session has ended without the person here asking: the actor
 * is `expired` (its refresh token is dead), or signed out elsewhere. The email is offered again
 * only for an expired session; after a sign-out the page keeps no trace of who it was.
 */
export function SessionExpiredDialog() {
  const actor = getAuthActor();
  const reason = useSelector(actor, sessionEnded);
  const email = useSelector(actor, (snapshot) => snapshot.context.user?.email ?? '');
  const userId = useSelector(actor, (snapshot) => snapshot.context.user?.id ?? null);
  const router = useRouter();
  const lastUser = useRef<string | null>(userId);
  const endedFor = useRef<string | null>(null);

  useEffect(() => {
    if (userId) lastUser.current = userId;
  }, [userId]);

  // Someone else signed in from the dialog: this page shows the previous account's data.
  useEffect(() => {
    if (reason) {
      endedFor.current ??= lastUser.current;
    } else if (endedFor.current !== null) {
      if (userId && userId !== endedFor.current) router.refresh();
      endedFor.current = null;
    }
  }, [reason, userId, router]);

  return reason ? <ExpiredDialog key={reason} email={email} reason={reason} /> : null;
}
