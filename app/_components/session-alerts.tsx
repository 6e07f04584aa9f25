'use client';

import { useSession } from 'next-auth/react';
import dynamic from 'next/dynamic';
import { isAuthRuntimeRequested } from '@/lib/auth/load-runtime';

// The alerts read the auth actor; loading them on demand keeps xstate out of signed-out pages.
const LiveSessionAlerts = dynamic(
  () => import('./live-session-alerts').then((module) => module.LiveSessionAlerts),
  { ssr: false },
);

/** Browser-only, and only in a tab that is or was signed in (an ended session still shows its dialog). */
export function SessionAlerts() {
  const { status } = useSession();
  if (status !== 'authenticated' && !isAuthRuntimeRequested()) return null;
  return <LiveSessionAlerts />;
}
