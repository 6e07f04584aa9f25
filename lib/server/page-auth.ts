import 'server-only';
import { redirect } from 'next/navigation';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from 'token-reissue';
import { UNAVAILABLE_PATH } from './unavailable-page';

/**
 * Server Components call the API through this, so auth never ends a page in a 500: a session
 * that ended (or is missing) redirects to sign-in with the return URL and `reason=expired`.
 * A transient failure (`ReissueUnavailableError`) redirects to a route that answers 503 with a
 * retry of this page: a Server Component cannot set its own status, and an error boundary would
 * answer 500. Anything else is not about auth and is rethrown.
 */
export async function withPageAuth<T>(returnTo: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SessionExpiredError || error instanceof NotSignedInError) {
      const query = new URLSearchParams({ callbackUrl: returnTo, reason: 'expired' });
      redirect(`/signin?${query}`);
    }
    if (error instanceof ReissueUnavailableError) {
      redirect(`${UNAVAILABLE_PATH}?${new URLSearchParams({ callbackUrl: returnTo })}`);
    }
    throw error;
  }
}
