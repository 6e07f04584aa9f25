'use client';

import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import { AuthBridge } from './auth-bridge';

export function Providers({
  session,
  apiBaseUrl,
  children,
}: {
  session: Session | null;
  apiBaseUrl: string;
  children: ReactNode;
}) {
  return (
    // Keyed by user: next-auth's provider reads `session` only on mount, and a server action
    // that signs someone in re-renders this layout with the new session.
    <SessionProvider key={session?.user.id ?? 'signed-out'} session={session}>
      <AuthBridge apiBaseUrl={apiBaseUrl} />
      {children}
    </SessionProvider>
  );
}
