import 'server-only';
import { redirect } from 'next/navigation';
import { NotSignedInError, SessionExpiredError } from './errors';

/**
 * Server Components call the API through this, so auth never ends a page in a 500: a session
 * that ended (or is missing) redirects to sign-in with the return URL and `reason=expired`.
 * A transient failure (`ReissueUnavailableError`) is rethrown for the error boundary, which
 * offers a retry.
 */
export async function withPageAuth<T>(returnTo: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SessionExpiredError || error instanceof NotSignedInError) {
      const query = new URLSearchParams({ callbackUrl: returnTo, reason: 'expired' });
      redirect(`/signin?${query}`);
    }
    throw error;
  }
}
