'use client';

import { useSession } from 'next-auth/react';
import { useEffect } from 'react';
import { getAuthActor } from '@/lib/auth/actor';
import { setApiBaseUrl } from '@/lib/http/client';

/**
 * Feeds next-auth's session into the tab's auth actor: first load, sign-in, and another tab's
 * change (next-auth broadcasts those through storage events) all arrive as SESSION_UPDATE.
 */
export function AuthBridge({ apiBaseUrl }: { apiBaseUrl: string }) {
  const { data, status } = useSession();
  setApiBaseUrl(apiBaseUrl);

  const accessToken = data?.accessToken;
  useEffect(() => {
    if (status === 'loading') return;
    getAuthActor().send({
      type: 'SESSION_UPDATE',
      session:
        data && accessToken
          ? {
              accessToken,
              accessTokenExpiresAt: data.accessTokenExpiresAt,
              user: data.user,
              serverNow: data.serverNow,
            }
          : null,
    });
    // The token identifies the session; other fields change only with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, accessToken]);

  return null;
}
