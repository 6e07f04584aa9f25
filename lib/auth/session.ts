import 'server-only';
import { getServerSession } from 'next-auth';
import { authOptions } from './options';

/** The session as Server Components see it (access token, expiry, user; never the refresh token). */
export function getSession() {
  return getServerSession(authOptions());
}
