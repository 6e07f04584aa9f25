'use client';

import { isAxiosError } from 'axios';
import { useState } from 'react';
import { isAuthRequestError } from 'token-reissue';
import { clientAuth } from '@/lib/browser/http';
import { routeOn, useDebugRoutes } from './use-debug-routes';

/** Burst sizes a person can pick: a page's worth, a busy page, and a storm longer than a short token lives. */
const BURST_SIZES = [20, 100, 1000] as const;
const REFUSED_BURST = 20;

type Outcome =
  | { kind: 'pending' }
  | { kind: 'done' | 'failed'; message: string; elapsedMs?: number; code?: string };

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
  const settled = outcome && outcome.kind !== 'pending' ? outcome : undefined;
  // Always rendered, so screen readers announce what lands in it.
  return (
    <p
      className={`action-result${settled?.kind === 'failed' ? ' is-error' : ''}`}
      role="status"
      data-testid={testId}
      data-elapsed-ms={settled?.elapsedMs?.toFixed(0)}
      data-error-code={settled?.code}
    >
      {settled?.message ?? null}
    </p>
  );
}

function Off({ id }: { id: string }) {
  return (
    <p className="control-off" id={id} data-testid={id}>
      Off: this API serves no debug routes. {HOW_TO_TURN_ON}
    </p>
  );
}

/** Fires `count` clientAuth GETs at once and waits for all of them. */
async function burst(count: number, path: string) {
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => clientAuth.get(path)),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return { ok: count - failures.length, failures, elapsedMs: performance.now() - started };
}

/**
 * Buttons that force, on demand, what a real deployment produces over minutes: a rejected token,
 * a burst of requests (up to more than a short token outlives), a route that refuses every token.
 */
export function DebugActions() {
  const debugRoutes = useDebugRoutes();
  const expireOn = routeOn(debugRoutes, 'expire-access-token');
  const refusingOn = routeOn(debugRoutes, 'refuses-every-token');
  const [expire, setExpire] = useState<Outcome>();
  const [burstOutcome, setBurstOutcome] = useState<Outcome>();
  const [refused, setRefused] = useState<Outcome>();
  const [size, setSize] = useState<number>(BURST_SIZES[0]);
  // Numbered, so a second burst with the same outcome still visibly changes the text.
  const [bursts, setBursts] = useState(0);
  const [refusedBursts, setRefusedBursts] = useState(0);

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
    setBurstOutcome({ kind: 'pending' });
    const { ok, failures, elapsedMs } = await burst(size, '/users/me');
    setBurstOutcome({
      kind: failures.length > 0 ? 'failed' : 'done',
      elapsedMs,
      message:
        `Burst ${run}: ${ok} succeeded, ${failures.length} failed` +
        (failures.length > 0 ? ` (${describeFailure(failures[0])})` : '.'),
    });
  }

  async function fireAtRefusingRoute() {
    const run = refusedBursts + 1;
    setRefusedBursts(run);
    setRefused({ kind: 'pending' });
    const { ok, failures } = await burst(REFUSED_BURST, '/debug/refuses-every-token');
    const refusals = failures.filter((e) => isAuthRequestError(e) && e.code === 'REQUEST_REFUSED');
    const first = failures[0];
    const code = isAuthRequestError(first) ? first.code : undefined;
    setRefused({
      kind: failures.length > 0 ? 'failed' : 'done',
      code,
      message:
        `Refusing route, burst ${run}: ${ok} succeeded, ${refusals.length} refused, ` +
        `${failures.length - refusals.length} failed otherwise` +
        (first ? ` (${code ? `${code}: ` : ''}${describeFailure(first)})` : '.'),
    });
  }

  const firing = burstOutcome?.kind === 'pending';
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
        {expireOn ? null : <Off id="expire-off" />}
        <Result outcome={expire} testId="expire-result" />
      </div>
      <div>
        <label htmlFor="burst-size">Requests per burst</label>
        <select
          id="burst-size"
          value={size}
          onChange={(event) => setSize(Number(event.target.value))}
          disabled={firing}
        >
          {BURST_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" onClick={fireRequests} disabled={firing} aria-busy={firing}>
          {firing ? `Firing ${size} requests…` : `Fire ${size} parallel requests`}
        </button>
        <p className="control-hint" data-testid="burst-hint">
          After Expire, the browser console shows a red 401 for each request&apos;s first try. That
          is expected: they wait for one reissue, then retry with the new token.
        </p>
        <Result outcome={burstOutcome} testId="burst-result" />
      </div>
      <div>
        <button
          type="button"
          className="secondary"
          onClick={fireAtRefusingRoute}
          disabled={!refusingOn || refused?.kind === 'pending'}
          aria-busy={refused?.kind === 'pending'}
          aria-describedby={refusingOn ? undefined : 'refusing-off'}
        >
          {refused?.kind === 'pending'
            ? `Firing ${REFUSED_BURST} requests…`
            : `Fire ${REFUSED_BURST} requests at a route that refuses every token`}
        </button>
        {refusingOn ? null : <Off id="refusing-off" />}
        <Result outcome={refused} testId="refused-result" />
      </div>
    </div>
  );
}
