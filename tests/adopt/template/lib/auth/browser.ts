// The browser side: one auth actor per tab, and the axios instance `clientAuth` that uses it.
'use client';

import { signIn, signOut } from 'next-auth/react';
import { createBrowserAuth } from 'token-reissue';
import * as z from 'zod/mini';
import type { AppUser } from '@/types/next-auth';

export const auth = createBrowserAuth<AppUser>({
  user: z.object({ id: z.string(), email: z.string() }),
  // The reissue route already wrote the cookie; this tells next-auth (and other tabs).
  persistSession: (ticket) => signIn('credentials', { reissue: ticket, redirect: false }),
  signOut: () => void signOut({ redirect: false }),
});
