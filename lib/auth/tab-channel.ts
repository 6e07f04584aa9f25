/**
 * The tabs' BroadcastChannel name and the one reaction a tab without an auth runtime needs. It
 * imports nothing, so a signed-out page (sign-in, sign-up) can listen for another tab's sign-in
 * without loading xstate, axios or the machine: it asks next-auth to refetch the session, and
 * once that shows a session the runtime loads as on any signed-in page.
 */

export const TAB_CHANNEL = 'auth-session';
/** next-auth's own cross-tab broadcast: a storage event under this key makes its provider refetch. */
const NEXT_AUTH_MESSAGE_KEY = 'nextauth.message';

/** Makes next-auth's SessionProvider in this tab refetch the session, through its storage listener. */
export function refreshNextAuthSession(): void {
  const newValue = JSON.stringify({
    event: 'session',
    data: { trigger: 'getSession' },
    timestamp: Math.floor(Date.now() / 1000),
  });
  window.dispatchEvent(new StorageEvent('storage', { key: NEXT_AUTH_MESSAGE_KEY, newValue }));
}

/**
 * While this tab has no session and no actor: another tab's new session makes it refetch. The
 * message itself is not trusted for anything; the refetch reads the cookie from the server.
 */
export function listenForSignInElsewhere(): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(TAB_CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown } | null;
    if (data && typeof data === 'object' && data.type === 'session') refreshNextAuthSession();
  };
  return () => channel.close();
}
