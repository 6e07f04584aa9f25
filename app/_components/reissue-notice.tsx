'use client';

import { useSelector } from '@xstate/react';
import { getAuthActor } from '@/lib/browser/actor';

/**
 * Not modal, never signs anyone out: the last reissue failed for a transient reason (network,
 * 5xx, timeout) and the actor keeps its session. Gone once a reissue succeeds.
 */
export function ReissueNotice() {
  const actor = getAuthActor();
  const failing = useSelector(
    actor,
    (snapshot) =>
      snapshot.context.error?.code === 'REISSUE_UNAVAILABLE' &&
      (snapshot.matches('authenticated') || snapshot.matches('refreshing')),
  );
  const retrying = useSelector(actor, (snapshot) => snapshot.matches('refreshing'));

  // The live region is always there, so its content is announced when it appears.
  return (
    <div role="status" className="alert-region">
      {failing && (
        <div className="banner banner-warn" data-testid="reissue-notice">
          <p>
            <strong>We could not renew your session.</strong> The server is not answering right now,
            so some requests may fail. You are still signed in.
          </p>
          <button
            type="button"
            className="secondary"
            onClick={() => actor.send({ type: 'RETRY' })}
            disabled={retrying}
            aria-busy={retrying}
          >
            {retrying ? 'Retrying…' : 'Retry now'}
          </button>
        </div>
      )}
    </div>
  );
}
