'use client';

import { useState } from 'react';
import { inspectorAvailable, openInspector, type OpenInspectorResult } from '@/lib/auth/inspector';

const MESSAGES: Record<OpenInspectorResult, string> = {
  opened: 'The inspector opened in another window; it shows this tab’s actor from its first event.',
  blocked: 'The browser blocked the window. Allow pop-ups for this site, then try again.',
  unavailable: 'The inspector is only part of development builds.',
};

/** Opens Stately's inspector on this tab's actor. Development only; the window opens in the click. */
export function InspectorButton() {
  const [result, setResult] = useState<OpenInspectorResult>();
  if (!inspectorAvailable()) return null;
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
