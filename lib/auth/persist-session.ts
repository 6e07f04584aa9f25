import { signIn } from 'next-auth/react';

/**
 * Writes a reissued token pair into the next-auth session cookie by presenting the sealed
 * ticket to the credentials provider. Runs off the critical path of waiting requests: they
 * already carry the new access token. One retry; after that the API's reuse grace window
 * covers the gap until the next reissue.
 */
export async function persistSession(ticket: string | null): Promise<boolean> {
  if (!ticket) return true; // another tab already persisted this session
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const result = await signIn('credentials', { reissue: ticket, redirect: false });
      if (result?.ok && !result.error) return true;
      console.warn(`persistSession: attempt ${attempt} refused (${result?.error ?? 'no result'})`);
    } catch (error) {
      console.warn(`persistSession: attempt ${attempt} failed`, error);
    }
  }
  return false;
}
