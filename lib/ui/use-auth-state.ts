import { useCallback, useSyncExternalStore } from 'react';
import type { SnapshotFrom } from 'xstate';
import { loadAuthRuntime } from '@/lib/auth/load-runtime';
import type { authMachine } from '@/machines/auth.machine';

type AuthSnapshot = SnapshotFrom<typeof authMachine>;
type AuthRuntime = Awaited<ReturnType<typeof loadAuthRuntime>>;

let runtime: AuthRuntime | undefined;

/**
 * A value read from the tab's auth actor that is safe to render on the server and before the
 * auth runtime has loaded (it loads lazily, see load-runtime.ts): until then `fallback`
 * stands in. `select` must return a primitive (or a stable object), as with any external store.
 */
export function useAuthState<T>(select: (snapshot: AuthSnapshot) => T, fallback: T): T {
  const subscribe = useCallback((onChange: () => void) => {
    let unsubscribe: (() => void) | undefined;
    let cancelled = false;
    void loadAuthRuntime().then((loaded) => {
      runtime = loaded;
      if (cancelled) return;
      const subscription = loaded.getAuthActor().subscribe(onChange);
      unsubscribe = () => subscription.unsubscribe();
      onChange();
    });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);
  return useSyncExternalStore(
    subscribe,
    () => (runtime ? select(runtime.getAuthActor().getSnapshot()) : fallback),
    () => fallback,
  );
}
