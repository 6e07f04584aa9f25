'use client';

import { useSession } from 'next-auth/react';
import { useEffect } from 'react';
import {
  configureApiBaseUrl,
  isAuthRuntimeRequested,
  loadAuthRuntime,
} from '@/lib/browser/load-runtime';
import { listenForSignInElsewhere } from 'token-reissue';

/**
 * Feeds next-auth's session into the tab's auth actor: first load, sign-in, and another tab's
 * change (next-auth broadcasts those through storage events) all arrive as SESSION_UPDATE.
 * A signed-out tab that never had a session loads no actor at all; it only listens for another
 * tab's sign-in, which makes next-auth refetch here (and then the actor loads).
 */
export function AuthBridge({ apiBaseUrl }: { apiBaseUrl: string }) {
  const { data, status } = useSession();
  configureApiBaseUrl(apiBaseUrl);

  const accessToken = data?.accessToken;
  useEffect(() => {
    if (status === 'loading') return;
    const session =
      data && accessToken
        ? {
            accessToken,
            accessTokenExpiresAt: data.accessTokenExpiresAt,
            user: data.user,
            serverNow: data.serverNow,
          }
        : null;
    if (!session && !isAuthRuntimeRequested()) return;
    void loadAuthRuntime().then(({ getAuthActor }) =>
      getAuthActor().send({ type: 'SESSION_UPDATE', session }),
    );
    // The token identifies the session; other fields change only with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, accessToken]);

  // Once an actor exists it hears the other tabs itself (tab-sync), sign-outs included.
  const listenWithoutActor = status === 'unauthenticated' && !isAuthRuntimeRequested();
  useEffect(
    () => (listenWithoutActor ? listenForSignInElsewhere() : undefined),
    [listenWithoutActor],
  );

  return null;
}
