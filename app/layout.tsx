import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { getSession } from '@/lib/server/session';
import { config } from '@/lib/config';
import { browserDpopReissueUrl } from '@/lib/server/dpop-browser';
import { signInMethod } from '@/lib/server/sign-in-method';
import { Providers } from './_components/providers';
import { SessionAlerts } from './_components/session-alerts';
import { SiteHeader } from './_components/site-header';
import { DevStatechartToggle } from './_components/statechart/dev-statechart-toggle';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Token reissue', template: '%s · Token reissue' },
  description:
    'Short-lived access tokens, reissued once, everywhere: an XState statechart for Next.js.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  return (
    // data-tracing: the tab's auth runtime loads its tracer only when the server traces.
    <html lang="en" data-tracing={config().tracing ? 'on' : undefined}>
      <body>
        <Providers
          session={session}
          apiBaseUrl={config().publicBackendUrl}
          dpopReissueUrl={await browserDpopReissueUrl()}
          signInMethod={signInMethod()}
        >
          <SiteHeader />
          <SessionAlerts />
          {children}
          <DevStatechartToggle />
        </Providers>
      </body>
    </html>
  );
}
