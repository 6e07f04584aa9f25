'use client';

import { useSelector } from '@xstate/react';
import { useMemo, useSyncExternalStore } from 'react';
import { getAuthActor } from '@/lib/browser/actor';
import { clientAuthTraffic } from '@/lib/browser/http';
import { formatRemaining } from '@/app/_components/format';
import { activeStateIds, leafStateId } from '@/app/_components/statechart/state-ids';
import { edgeBetween, layoutStatechart } from '@/app/_components/statechart/statechart-layout';
import { useIsClient } from '@/app/_components/hooks/use-is-client';
import { useNow } from '@/app/_components/hooks/use-now';
import { useStateHistory } from '@/app/_components/hooks/use-state-history';
import { authMachineDiagram } from 'token-reissue';
import { browserTimings, formatOffset, timeOnTheWay, UNKNOWN_UNCERTAINTY_MS } from './clock-offset';
import { DebugActions } from './debug-actions';
import { InspectorButton } from './inspector-button';
import { StatechartDiagram } from './statechart-diagram';
import { TransitionTable } from './transition-table';

const layout = layoutStatechart(authMachineDiagram);

function TokenCountdown({ expiresAt, receivedAt }: { expiresAt: number; receivedAt: number }) {
  const now = useNow(1_000);
  const left = expiresAt - now;
  const share = Math.min(1, Math.max(0, left / Math.max(1, expiresAt - receivedAt)));
  return (
    <>
      <span data-testid="token-expiry">{formatRemaining(left)}</span>
      <span className="meter" aria-hidden="true">
        <span style={{ width: `${share * 100}%` }} />
      </span>
    </>
  );
}

/** Server clock minus this browser's, allowing for how long the measured answer was on its way. */
function ClockOffset({ offset, measuredAt }: { offset: number; measuredAt: number | null }) {
  const { entries, timeOrigin } = browserTimings();
  const onTheWay =
    measuredAt === null ? UNKNOWN_UNCERTAINTY_MS : timeOnTheWay(measuredAt, entries, timeOrigin);
  return (
    <dd
      className="stats-text"
      data-testid="clock-offset"
      title={`Measured ${(offset / 1000).toFixed(1)} s; the answer was up to ${(onTheWay / 1000).toFixed(1)} s on its way.`}
    >
      {formatOffset(offset, onTheWay)}
    </dd>
  );
}

function LivePanel() {
  const actor = getAuthActor();
  const snapshot = useSelector(actor, (current) => current);
  const traffic = useSyncExternalStore(
    clientAuthTraffic.subscribe,
    clientAuthTraffic.getSnapshot,
    clientAuthTraffic.getSnapshot,
  );
  const history = useStateHistory(actor);
  const activeIds = useMemo(() => activeStateIds(snapshot.value), [snapshot.value]);
  const leaf = leafStateId(snapshot.value);
  const previous = history.at(-2);
  const lastEdge = previous ? edgeBetween(layout.edges, previous, history.at(-1)!) : undefined;
  const { context } = snapshot;

  return (
    <div
      className="statechart-panel"
      data-testid="statechart-panel"
      data-current={leaf}
      // Read by the model-based browser tests, which compare every step with the machine's own.
      data-error={context.error?.code ?? ''}
      data-retry-attempt={context.retryAttempt}
      data-reissues={context.reissueCount}
      // 401s that joined a reissue in flight: the few the machine counted, and the many the
      // interceptors let join without an event (the cheap path), as the counter below shows.
      data-coalesced={traffic.coalesced + context.coalescedCount}
      data-breaker={context.breaker ? 'stopped' : 'on'}
      // 401s the chart read as a route refusing a good token: no reissue for those.
      data-refused={context.refusedCount}
      // The token's last characters tell one token from the next; the whole token stays out of the DOM.
      data-token-tag={context.accessToken?.slice(-8) ?? ''}
    >
      <div className="sc-layout">
        <div className="sc-main">
          {/* Focusable: on narrow screens the diagram scrolls sideways, also by keyboard. */}
          <div className="statechart-frame" tabIndex={0} role="region" aria-label="Diagram">
            <StatechartDiagram
              layout={layout}
              activeIds={activeIds}
              lastEdgeId={lastEdge?.id}
              label={`The auth machine of this tab. Current state: ${leaf}.`}
            />
          </div>
          <p className="sc-scroll-hint" aria-hidden="true">
            Swipe the chart sideways to see all of it.
          </p>
          <p className="sr-only" aria-live="polite">
            Current state: {leaf}
          </p>
          <ol className="history" aria-label="Recent states" data-testid="state-history">
            {history.map((state, index) => (
              <li
                key={`${index}-${state}`}
                aria-current={index === history.length - 1 ? 'step' : undefined}
              >
                {state}
              </li>
            ))}
          </ol>
        </div>
        <div className="sc-side">
          <dl className="stats">
            <div>
              <dt>Token expires in</dt>
              <dd>
                {context.accessTokenExpiresAt ? (
                  // On this browser's clock, corrected by the server's: the two may be hours apart.
                  <TokenCountdown
                    expiresAt={context.accessTokenExpiresAt - context.clockOffset}
                    receivedAt={
                      context.accessTokenReceivedAt ??
                      context.accessTokenExpiresAt - context.clockOffset
                    }
                  />
                ) : (
                  <span data-testid="token-expiry">no token</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Reissues by this tab</dt>
              <dd data-testid="reissue-count">{context.reissueCount}</dd>
            </div>
            <div>
              <dt>Sessions from other tabs</dt>
              <dd data-testid="adopted-count">{context.adoptedCount}</dd>
            </div>
            <div>
              <dt>Coalesced 401s</dt>
              <dd data-testid="coalesced-count">{traffic.coalesced + context.coalescedCount}</dd>
            </div>
            <div>
              <dt>Refused by a route</dt>
              <dd data-testid="refused-count">{context.refusedCount}</dd>
            </div>
            <div>
              <dt>Clock offset</dt>
              <ClockOffset
                offset={context.clockOffset}
                measuredAt={context.accessTokenReceivedAt}
              />
            </div>
            <div>
              <dt>Requests waiting</dt>
              <dd data-testid="waiting-count">{traffic.waiting}</dd>
            </div>
            <div>
              <dt>Retried · failed</dt>
              <dd data-testid="traffic-count">
                {traffic.retried} · {traffic.failed}
              </dd>
            </div>
            <div className="stats-wide">
              <dt>Proactive reissue</dt>
              <dd data-testid="breaker">
                {context.breaker ? `stopped: ${context.breaker.reason}` : 'on'}
              </dd>
            </div>
            <div className="stats-wide">
              <dt>Last error</dt>
              <dd data-testid="last-error">
                {context.error ? `${context.error.code}: ${context.error.message}` : 'none'}
              </dd>
            </div>
          </dl>
          <DebugActions />
          <InspectorButton />
        </div>
      </div>
      {/* Below both columns: the table needs the panel's whole width. */}
      <TransitionTable diagram={authMachineDiagram} />
    </div>
  );
}

/** The tab's auth actor, live: its statechart with the current state lit, timers, counters and buttons to provoke it. */
export function StatechartPanel() {
  // The actor lives in the browser only; the server renders a placeholder of the same size.
  if (!useIsClient()) {
    return (
      <div className="statechart-panel" aria-busy="true">
        <p className="muted">Loading the live statechart…</p>
      </div>
    );
  }
  return <LivePanel />;
}
