// Step 8a: the browser wiring. One auth actor per tab, and the axios instance that uses it.
'use client';

import { signIn, signOut } from 'next-auth/react';
import * as z from 'zod/mini';
import { createBrowserAuth } from '@/lib/core';
import type { AppUser } from '@/types/next-auth';

export const auth = createBrowserAuth<AppUser>({
  user: z.object({ id: z.string(), email: z.string() }),
  // The reissue route already wrote the cookie; this tells next-auth (and other tabs).
  async persistSession(ticket) {
    const result = await signIn('credentials', { reissue: ticket, redirect: false });
    return Boolean(result?.ok);
  },
  signOut: () => void signOut({ redirect: false }),
});
