import * as z from 'zod/mini';
import type { Actor } from 'xstate';
import { clientSessionSchema } from '@/lib/validations/session';
import type { authMachine } from '@/machines/auth.machine';
import { refreshNextAuthSession, TAB_CHANNEL } from './tab-channel';

/**
 * Tabs of one browser tell each other at once about a new session (a sign-in, the expired
 * dialog's sign-in again, a reissue) and about a sign-out, over a BroadcastChannel (same origin
 * only). The message holds what `/api/auth/session` already shows the browser: never the refresh
 * token, never a reissue ticket. A tab that receives a session adopts it (an `expired` tab
 * recovers without focus); a tab that receives a sign-out signs out.
 */

const tabMessageSchema = z.union([
  z.object({ type: z.literal('session'), session: clientSessionSchema }),
  z.object({ type: z.literal('signedOut') }),
]);
type TabMessage = z.infer<typeof tabMessageSchema>;

export function connectTabs(actor: Actor<typeof authMachine>): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(TAB_CHANNEL);
  let fromOtherTab = false;
  let last = actor.getSnapshot();

  channel.onmessage = (event: MessageEvent<unknown>) => {
    const parsed = tabMessageSchema.safeParse(event.data);
    if (!parsed.success) return;
    const message = parsed.data;
    const hadSession =
      actor.getSnapshot().matches('authenticated') || actor.getSnapshot().matches('refreshing');
    fromOtherTab = true;
    try {
      actor.send({
        type: 'SESSION_UPDATE',
        session: message.type === 'session' ? message.session : null,
        fromOtherTab: true,
      });
    } finally {
      fromOtherTab = false;
    }
    // A tab that had no live session (signed out, or expired) also refreshes what its pages show.
    // Not on sign-out: the cookie may not be cleared yet; next-auth broadcasts once it is.
    if (message.type === 'session' && !hadSession) refreshNextAuthSession();
  };

  const subscription = actor.subscribe((snapshot) => {
    const previous = last;
    last = snapshot;
    // What another tab told us is not echoed back.
    if (fromOtherTab) return;
    const { accessToken, accessTokenExpiresAt, user, clockOffset } = snapshot.context;
    if (snapshot.matches('signedOut') && !previous.matches('signedOut')) {
      post({ type: 'signedOut' });
      return;
    }
    if (
      snapshot.matches('authenticated') &&
      accessToken &&
      accessTokenExpiresAt &&
      user &&
      accessToken !== previous.context.accessToken
    ) {
      // Our estimate of the server's clock now; the tabs share this browser's clock.
      const serverNow = Date.now() + clockOffset;
      post({ type: 'session', session: { accessToken, accessTokenExpiresAt, user, serverNow } });
    }
  });

  function post(message: TabMessage) {
    try {
      channel.postMessage(message);
    } catch {
      // A closed channel (the page is unloading) loses nothing: the cookie holds the session.
    }
  }

  return () => {
    subscription.unsubscribe();
    channel.close();
  };
}
