'use client';

import { isAxiosError } from 'axios';
import { useState } from 'react';
import { isAuthRequestError } from 'token-reissue';
import { clientAuth } from '@/lib/browser/http';
import { routeOn, useDebugRoutes } from './use-debug-routes';

const PARALLEL_REQUESTS = 20;

type Outcome = { kind: 'pending' } | { kind: 'done' | 'failed'; message: string };

const HOW_TO_TURN_ON =
  'The reference API serves them with ENABLE_DEBUG_ROUTES=1, which npm run dev and npm start set unless it is 0.';

function describeFailure(error: unknown): string {
  if (isAxiosError(error) && error.response?.status === 404) {
    return `The API has no debug routes. ${HOW_TO_TURN_ON}`;
  }
  if (isAuthRequestError(error)) return error.message;
  if (isAxiosError(error) && !error.response) return 'The API did not answer. Is it running?';
  return 'The request failed. Try again.';
}

function Result({ outcome, testId }: { outcome: Outcome | undefined; testId: string }) {
  // Always rendered, so screen readers announce what lands in it.
  return (
    <p
      className={`action-result${outcome?.kind === 'failed' ? ' is-error' : ''}`}
      role="status"
      data-testid={testId}
    >
      {outcome && outcome.kind !== 'pending' ? outcome.message : null}
    </p>
  );
}

/** Buttons that force, on demand, what a real deployment produces over minutes: a rejected token, a burst of requests. */
export function DebugActions() {
  const debugRoutes = useDebugRoutes();
  const expireOn = routeOn(debugRoutes, 'expire-access-token');
  const [expire, setExpire] = useState<Outcome>();
  const [burst, setBurst] = useState<Outcome>();
  // Numbered, so a second burst with the same outcome still visibly changes the text.
  const [bursts, setBursts] = useState(0);

  async function expireToken() {
    setExpire({ kind: 'pending' });
    try {
      await clientAuth.post('/debug/expire-access-token');
      setExpire({
        kind: 'done',
        message: 'The API revoked your access token. The next request gets a 401 and one reissue.',
      });
    } catch (error) {
      setExpire({ kind: 'failed', message: describeFailure(error) });
    }
  }

  async function fireRequests() {
    const run = bursts + 1;
    setBursts(run);
    setBurst({ kind: 'pending' });
    const results = await Promise.allSettled(
      Array.from({ length: PARALLEL_REQUESTS }, () => clientAuth.get('/users/me')),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    const first = failed[0];
    setBurst({
      kind: failed.length > 0 ? 'failed' : 'done',
      message:
        `Burst ${run}: ${results.length - failed.length} succeeded, ${failed.length} failed` +
        (first?.status === 'rejected' ? ` (${describeFailure(first.reason)})` : '.'),
    });
  }

  return (
    <div className="debug-actions">
      <div>
        <button
          type="button"
          onClick={expireToken}
          disabled={!expireOn || expire?.kind === 'pending'}
          aria-busy={expire?.kind === 'pending'}
          aria-describedby={expireOn ? undefined : 'expire-off'}
        >
          {expire?.kind === 'pending' ? 'Expiring…' : 'Expire my access token now'}
        </button>
        {expireOn ? null : (
          <p className="control-off" id="expire-off" data-testid="expire-off">
            Off: this API serves no debug routes. {HOW_TO_TURN_ON}
          </p>
        )}
        <Result outcome={expire} testId="expire-result" />
      </div>
      <div>
        <button
          type="button"
          onClick={fireRequests}
          disabled={burst?.kind === 'pending'}
          aria-busy={burst?.kind === 'pending'}
        >
          {burst?.kind === 'pending'
            ? `Firing ${PARALLEL_REQUESTS} requests…`
            : `Fire ${PARALLEL_REQUESTS} parallel requests`}
        </button>
        <p className="control-hint" data-testid="burst-hint">
          After Expire, the browser console shows a red 401 for each request&apos;s first try. That
          is expected: they wait for one reissue, then retry with the new token.
        </p>
        <Result outcome={burst} testId="burst-result" />
      </div>
    </div>
  );
}
