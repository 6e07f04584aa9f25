import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSession } from '@/lib/server/session';
import { InspectorHelp } from '../_components/statechart/inspector-help';
import { StatechartPanel } from '../_components/statechart/statechart-panel';

export const metadata: Metadata = { title: 'Statechart' };

export default async function DebugPage() {
  if (!(await getSession())) redirect('/signin?callbackUrl=%2Fdebug');
  return (
    <main className="page wide">
      <header className="page-intro">
        <h1>Statechart</h1>
        <p className="muted">
          The auth machine running in this tab, live. Expire your access token, then fire a burst of
          requests: they all wait for one reissue and retry with the new token.
        </p>
      </header>
      <StatechartPanel />
      <InspectorHelp />
    </main>
  );
}
