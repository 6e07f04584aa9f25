'use client';

import type { ReactNode } from 'react';
import { useSessionEnded } from './hooks/use-session-ended';

/**
 * What only the signed-in person may see (their profile, their posts). Hidden as soon as this
 * tab hears that the session was signed out elsewhere, while the page stays, with what the
 * person was typing, for them to sign in again in place. Shown again after that sign-in.
 */
export function PrivateContent({
  children,
  fallback,
}: {
  children: ReactNode;
  fallback: ReactNode;
}) {
  return useSessionEnded() === 'signedOut' ? fallback : children;
}
