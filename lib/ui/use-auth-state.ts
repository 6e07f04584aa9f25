import { useCallback, useSyncExternalStore } from 'react';
import type { SnapshotFrom } from 'xstate';
import { getAuthActor } from '@/lib/auth/actor';
import type { authMachine } from '@/machines/auth.machine';

type AuthSnapshot = SnapshotFrom<typeof authMachine>;

/**
 * A value read from the tab's auth actor that is safe to render on the server too: there the
 * actor does not exist and `serverValue` stands in. `select` must return a primitive (or a
 * stable object), as with any external store.
 */
export function useAuthState<T>(select: (snapshot: AuthSnapshot) => T, serverValue: T): T {
  const subscribe = useCallback((onChange: () => void) => {
    const subscription = getAuthActor().subscribe(onChange);
    return () => subscription.unsubscribe();
  }, []);
  return useSyncExternalStore(
    subscribe,
    () => select(getAuthActor().getSnapshot()),
    () => serverValue,
  );
}
