'use client';

import { useEffect } from 'react';
import { POPUP_SIGNED_IN } from '@/lib/sign-in-method';

/** Tells the opener (same origin only) that the sign-in finished, then closes this popup. */
export function PopupDone() {
  useEffect(() => {
    window.opener?.postMessage({ type: POPUP_SIGNED_IN }, window.location.origin);
    window.close();
  }, []);
  return (
    <p className="card" role="status">
      You are signed in. You can close this window.
    </p>
  );
}
