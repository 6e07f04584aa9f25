'use client';

import { useSession } from 'next-auth/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { getAuthActor } from '@/lib/auth/actor';

export function SiteHeader() {
  const { data, status } = useSession();
  const router = useRouter();

  function signOut() {
    getAuthActor().send({ type: 'SIGN_OUT' });
    router.replace('/signin?reason=signedOut');
  }

  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Token reissue
      </Link>
      <nav aria-label="Main">
        {status === 'authenticated' && data ? (
          <>
            <Link href="/debug">Statechart</Link>
            <span className="muted" data-testid="header-pen-name">
              {data.user.penName}
            </span>
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          </>
        ) : (
          status === 'unauthenticated' && (
            <>
              <Link href="/signin">Sign in</Link>
              <Link href="/signup">Sign up</Link>
            </>
          )
        )}
      </nav>
    </header>
  );
}
