'use client';

import { isAxiosError } from 'axios';
import { useState } from 'react';
import { isAuthRequestError } from 'token-reissue';
import { clientAuth } from '@/lib/browser/http';

const PARALLEL_REQUESTS = 20;

type Outcome = { kind: 'pending' } | { kind: 'done' | 'failed'; message: string };

function describeFailure(error: unknown): string {
  if (isAxiosError(error) && error.response?.status === 404) {
    return 'The API has no debug routes. Start it with ENABLE_DEBUG_ROUTES=1 (npm run dev does).';
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
          disabled={expire?.kind === 'pending'}
          aria-busy={expire?.kind === 'pending'}
        >
          {expire?.kind === 'pending' ? 'Expiring…' : 'Expire my access token now'}
        </button>
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
        <Result outcome={burst} testId="burst-result" />
      </div>
    </div>
  );
}
