'use client';

import { useSession } from 'next-auth/react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { loadAuthRuntime } from '@/lib/browser/load-runtime';
import { SIGNED_OUT_PATH } from '@/lib/sign-in-method';
import { signOutAction } from '../signin/actions';
import { Avatar } from './avatar';
import { useSignInMethod } from './sign-in-method';

export function SiteHeader() {
  const { data, status } = useSession();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const method = useSignInMethod();
  // An OpenID provider's end-session page comes first; it sends the browser on to sign-in.
  const leaveTo = useRef(SIGNED_OUT_PATH);

  // Leave once the session is gone (sooner, the sign-in page would still see it and send us
  // back), with a full load that also drops the signed-in pages the client router has cached.
  useEffect(() => {
    if (signingOut && status === 'unauthenticated') {
      window.location.assign(leaveTo.current);
    }
  }, [signingOut, status]);

  // Without JavaScript the form posts to the server action; with it, the actor signs out.
  function signOut(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSigningOut(true);
    const destination =
      method.kind === 'provider'
        ? import('@/lib/browser/sign-out').then((module) => module.signedOutDestination())
        : Promise.resolve(SIGNED_OUT_PATH);
    void destination
      .then((url) => {
        leaveTo.current = url;
        return loadAuthRuntime();
      })
      .then(({ getAuthActor }) => getAuthActor().send({ type: 'SIGN_OUT' }));
  }

  const current = (href: string) => (pathname === href ? 'page' : undefined);
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Token reissue
      </Link>
      <nav aria-label="Main">
        {status === 'authenticated' && data ? (
          <>
            <Link href="/" aria-current={current('/')}>
              Posts
            </Link>
            <Link href="/debug" aria-current={current('/debug')}>
              Statechart
            </Link>
            <span className="header-user">
              <Avatar user={data.user} size={28} />
              <span className="muted" data-testid="header-pen-name">
                {data.user.penName}
              </span>
            </span>
            <form action={signOutAction} onSubmit={signOut}>
              <button
                type="submit"
                className="secondary"
                disabled={signingOut}
                aria-busy={signingOut}
              >
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
            </form>
          </>
        ) : (
          status === 'unauthenticated' && (
            <>
              <Link href="/signin" aria-current={current('/signin')}>
                Sign in
              </Link>
              {method.kind === 'password' && (
                <Link href="/signup" aria-current={current('/signup')}>
                  Sign up
                </Link>
              )}
            </>
          )
        )}
      </nav>
    </header>
  );
}
