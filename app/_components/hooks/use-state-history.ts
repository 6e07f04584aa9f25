import { useEffect, useState } from 'react';
import type { AnyActorRef, StateValue } from 'xstate';
import { leafStateId } from '@/app/_components/statechart/state-ids';

/**
 * The innermost states the actor has been in since this hook mounted, oldest first. A state such
 * as `refreshing` can last a few milliseconds, too short to see; the history keeps it.
 */
export function useStateHistory(actor: AnyActorRef, limit = 8): string[] {
  const [history, setHistory] = useState(() => [
    leafStateId((actor.getSnapshot() as { value: StateValue }).value),
  ]);
  useEffect(() => {
    const subscription = actor.subscribe((snapshot: { value: StateValue }) => {
      const leaf = leafStateId(snapshot.value);
      setHistory((current) =>
        current.at(-1) === leaf ? current : [...current, leaf].slice(-limit),
      );
    });
    return () => subscription.unsubscribe();
  }, [actor, limit]);
  return history;
}
