// Step 8b: the layout provider. next-auth's session feeds the tab's auth actor.
'use client';

import type { Session } from 'next-auth';
import { SessionProvider, useSession } from 'next-auth/react';
import { useEffect, type ReactNode } from 'react';
import { auth } from '@/lib/auth/browser';

function AuthBridge({ apiUrl }: { apiUrl: string }) {
  const { data, status } = useSession();
  auth.setBaseUrl(apiUrl);
  const accessToken = data?.accessToken;
  useEffect(() => {
    if (status === 'loading') return;
    auth.actor().send({
      type: 'SESSION_UPDATE',
      session:
        data && accessToken
          ? { accessToken, accessTokenExpiresAt: data.accessTokenExpiresAt, user: data.user }
          : null,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, accessToken]);
  return null;
}

export function Providers(props: { session: Session | null; apiUrl: string; children: ReactNode }) {
  return (
    <SessionProvider session={props.session}>
      <AuthBridge apiUrl={props.apiUrl} />
      {props.children}
    </SessionProvider>
  );
}
