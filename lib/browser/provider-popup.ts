/**
 * Signing in again at the OpenID provider without leaving the page, so nothing typed on it is
 * lost: the provider's login runs in a popup window. The popup is opened at once, inside the
 * click (popup blockers allow that), then sent to the provider with the same request next-auth's
 * signIn() makes (POST /api/auth/signin/<id> with its CSRF token, PKCE, state and nonce cookies
 * set for this browser). The provider sends the popup back to /signin/done, which tells this
 * window and closes. Either way this window then asks next-auth for the session again: the new
 * session is read from the server's cookie, never from the message.
 */
import { getCsrfToken } from 'next-auth/react';
import { refreshNextAuthSession } from 'token-reissue';
import { POPUP_DONE_PATH, POPUP_SIGNED_IN } from '@/lib/sign-in-method';

export type PopupOutcome = 'signedIn' | 'closed' | 'blocked' | 'failed';

const WINDOW_FEATURES = 'popup,width=520,height=720';
const CLOSED_POLL_MS = 400;

async function providerUrl(providerId: string): Promise<string> {
  const csrfToken = await getCsrfToken();
  if (!csrfToken) throw new Error('No CSRF token');
  const response = await fetch(`/api/auth/signin/${encodeURIComponent(providerId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      csrfToken,
      callbackUrl: new URL(POPUP_DONE_PATH, window.location.origin).href,
      json: 'true',
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const { url } = (await response.json()) as { url?: unknown };
  if (!response.ok || typeof url !== 'string') throw new Error(`HTTP ${response.status}`);
  return url;
}

/** Runs the provider's sign-in in a popup; resolves when it reported back or was closed. */
export async function signInInPopup(providerId: string): Promise<PopupOutcome> {
  const popup = window.open('about:blank', 'provider-sign-in', WINDOW_FEATURES);
  if (!popup) return 'blocked';
  try {
    popup.location.href = await providerUrl(providerId);
  } catch {
    popup.close();
    return 'failed';
  }
  return new Promise<PopupOutcome>((resolve) => {
    const finish = (outcome: PopupOutcome) => {
      window.removeEventListener('message', onMessage);
      clearInterval(watch);
      refreshNextAuthSession();
      resolve(outcome);
    };
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown } | null;
      if (event.origin !== window.location.origin || event.source !== popup) return;
      if (data?.type === POPUP_SIGNED_IN) finish('signedIn');
    };
    window.addEventListener('message', onMessage);
    // A popup closed by the person (or one whose opener link a provider's policy cut) ends the wait.
    const watch = setInterval(() => {
      if (popup.closed) finish('closed');
    }, CLOSED_POLL_MS);
  });
}
