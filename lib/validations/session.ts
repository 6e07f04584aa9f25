// zod/mini: this module ships to the browser (the reissue client, the tab channel).
import * as z from 'zod/mini';
import { clientSessionSchema as sessionOf } from 'token-reissue';
import type { SessionUser } from '@/lib/next-auth';

/** This app's user, as the API and the session carry it. */
export const sessionUserSchema = z.object({
  id: z.string().check(z.minLength(1)),
  email: z.string(),
  penName: z.string(),
  fieldImage: z.nullable(z.string()),
}) satisfies z.ZodMiniType<SessionUser>;

/** The part of `/api/auth/session` the browser may use; the refresh token is never in it. */
export const clientSessionSchema = sessionOf(sessionUserSchema);
