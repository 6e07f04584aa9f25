'use client';

import { useSession } from 'next-auth/react';
import dynamic from 'next/dynamic';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { useAuthState } from '@/lib/ui/use-auth-state';
import { leafStateId } from '@/lib/ui/state-ids';

// Loaded on first open, so pages that never open it do not download the diagram.
const StatechartPanel = dynamic(
  () => import('./statechart-panel').then((module) => module.StatechartPanel),
  { ssr: false, loading: () => <p className="muted">Loading the live statechart…</p> },
);

function Toggle() {
  const [open, setOpen] = useState(false);
  const state = useAuthState((snapshot) => leafStateId(snapshot.value), '');
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  // Focus follows the sheet: into it when it opens, back to the toggle when it closes.
  useEffect(() => {
    if (open) closeRef.current?.focus();
    else if (wasOpen.current) toggleRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);

  return (
    <>
      {open && (
        <aside id={panelId} className="dev-sheet" aria-label="Auth machine (development)">
          <div className="row">
            <h2>Auth machine</h2>
            <button
              ref={closeRef}
              type="button"
              className="secondary"
              onClick={() => setOpen(false)}
            >
              Close
            </button>
          </div>
          <StatechartPanel />
        </aside>
      )}
      <button
        ref={toggleRef}
        type="button"
        className="dev-toggle"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        hidden={open}
        onClick={() => setOpen(true)}
        data-testid="dev-toggle"
      >
        Auth machine <span className="dev-toggle-state">{state}</span>
      </button>
    </>
  );
}

/**
 * In development, a button on every signed-in page that opens the live chart in a side sheet
 * (the /debug page shows it already). Named for what it shows, the auth machine and its current
 * state, so it is not a second control called "Statechart" beside the header's link to /debug.
 */
export function DevStatechartToggle() {
  const { status } = useSession();
  const pathname = usePathname();
  if (process.env.NODE_ENV !== 'development') return null;
  if (status !== 'authenticated' || pathname === '/debug') return null;
  return <Toggle />;
}
