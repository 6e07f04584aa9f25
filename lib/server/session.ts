import 'server-only';
import { getServerSession } from 'next-auth';
import { connection } from 'next/server';
import { authOptions } from './auth-options';

/** The session as Server Components see it (access token, expiry, user; never the refresh token). */
export async function getSession() {
  // Per request, never prerendered: the answer depends on the cookie.
  await connection();
  return getServerSession(authOptions());
}
