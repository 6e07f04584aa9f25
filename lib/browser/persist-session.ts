import { signIn } from 'next-auth/react';
import { reportToServer } from './report';

/**
 * Tells next-auth's client session, and through it the other tabs, about a reissued pair by
 * presenting the sealed ticket to the credentials provider. The reissue route already wrote the
 * pair into the session cookie, so nothing is lost when this fails: one retry, then give up.
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
  reportToServer({ type: 'browser_report', report: 'persist_failed' });
  return false;
}
