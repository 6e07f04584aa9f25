'use client';

import { useState } from 'react';
import {
  inspectorAvailable,
  openInspector,
  type OpenInspectorResult,
} from '@/lib/browser/inspector';

const MESSAGES: Record<OpenInspectorResult, string> = {
  opened: 'The inspector opened in another window; it shows this tab’s actor from its first event.',
  blocked: 'The browser blocked the window. Allow pop-ups for this site, then try again.',
  unavailable: 'The inspector is only part of development builds.',
};

/**
 * Opens Stately's inspector on this tab's actor; the window opens in the click. Development only:
 * a production build says so in its place, and how to get it.
 */
export function InspectorButton() {
  const [result, setResult] = useState<OpenInspectorResult>();
  if (!inspectorAvailable()) {
    return (
      <p className="control-off" data-testid="inspector-off">
        The Stately inspector is off in production builds. Run <code>npm run dev</code> to open it
        from here.
      </p>
    );
  }
  return (
    <div className="inspector-action">
      <button type="button" className="secondary" onClick={() => setResult(openInspector())}>
        Open in the Stately inspector
      </button>
      <p
        className={`action-result${result === 'blocked' ? ' is-error' : ''}`}
        role="status"
        data-testid="inspector-result"
      >
        {result ? MESSAGES[result] : null}
      </p>
    </div>
  );
}
