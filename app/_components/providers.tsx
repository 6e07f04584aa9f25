'use client';

import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import type { SignInMethod } from '@/lib/sign-in-method';
import { AuthBridge } from './auth-bridge';
import { SignInMethodProvider } from './sign-in-method';

export function Providers({
  session,
  apiBaseUrl,
  signInMethod,
  children,
}: {
  session: Session | null;
  apiBaseUrl: string;
  signInMethod: SignInMethod;
  children: ReactNode;
}) {
  return (
    // Keyed by user: next-auth's provider reads `session` only on mount, and a server action
    // that signs someone in re-renders this layout with the new session.
    <SessionProvider key={session?.user.id ?? 'signed-out'} session={session}>
      <AuthBridge apiBaseUrl={apiBaseUrl} />
      <SignInMethodProvider method={signInMethod}>{children}</SignInMethodProvider>
    </SessionProvider>
  );
}
