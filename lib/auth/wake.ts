/**
 * Moments when the tab's timers may have been asleep: the tab became visible, the network came
 * back, or a heartbeat fired much later than scheduled (the laptop slept; browsers pause or
 * throttle timers). Each one makes the auth machine re-check its token against the corrected
 * clock (`WAKE`), so a token that died meanwhile is replaced before the next request leaves.
 */

export const HEARTBEAT_MS = 5_000;
/** A heartbeat this much later than scheduled counts as a sleep. */
export const SLEEP_GAP_MS = 10_000;

export type WakeReason = 'visible' | 'online' | 'sleep';

export function watchWakeUps(onWake: (reason: WakeReason) => void): () => void {
  const onVisibility = () => {
    if (document.visibilityState === 'visible') onWake('visible');
  };
  const onOnline = () => onWake('online');
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('online', onOnline);

  // Wall-clock time, on purpose: it jumps forward over a sleep, while timers do not.
  let last = Date.now();
  const heartbeat = setInterval(() => {
    const now = Date.now();
    if (now - last > HEARTBEAT_MS + SLEEP_GAP_MS) onWake('sleep');
    last = now;
  }, HEARTBEAT_MS);

  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('online', onOnline);
    clearInterval(heartbeat);
  };
}
