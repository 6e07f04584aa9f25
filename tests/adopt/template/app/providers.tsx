// next-auth's session feeds the tab's auth actor.
'use client';

import type { Session } from 'next-auth';
import { SessionProvider, useSession } from 'next-auth/react';
import { useEffect, type ReactNode } from 'react';
import { auth } from '@/lib/auth/browser';

function AuthBridge({ apiUrl }: { apiUrl: string }) {
  const { data, status } = useSession();
  auth.setBaseUrl(apiUrl);
  useEffect(() => {
    if (status !== 'loading') auth.actor().send({ type: 'SESSION_UPDATE', session: data });
    // The access token identifies the session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, data?.accessToken]);
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
