/**
 * Names for a machine's transitions, so that coverage can be counted against what the machine
 * declares (`on`, `after`, invoke `onDone`/`onError` alike) rather than against a list kept by
 * hand: a transition added to the chart shows up here without anyone remembering to list it.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, EventObject } from 'xstate';

function stateNodesOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...stateNodesOf(child)]);
}

/** `auth.refreshing on xstate.error.actor.reissue #1`: source, event and position among its siblings. */
export function transitionKey(transitionDef: AnyTransitionDefinition): string {
  const siblings = transitionDef.source.transitions.get(transitionDef.eventType) ?? [];
  return `${transitionDef.source.id} on ${transitionDef.eventType} #${siblings.indexOf(transitionDef)}`;
}

/** Every transition the machine declares, by key. */
export function transitionsOf(machine: AnyStateMachine): AnyTransitionDefinition[] {
  const root = machine.root as AnyStateNode;
  return [root, ...stateNodesOf(root)].flatMap((node) => [...node.transitions.values()].flat());
}

/** The event types the machine reacts to anywhere, its own (`xstate.after.*`, `xstate.done.*`) included. */
export function eventTypesOf(machine: AnyStateMachine): string[] {
  return [...new Set(transitionsOf(machine).map((t) => t.eventType))];
}

/** The keys of the transitions `event` takes from `snapshot` (none when it is ignored). */
export function takenBy(
  machine: AnyStateMachine,
  snapshot: Parameters<AnyStateMachine['getTransitionData']>[0],
  event: EventObject,
): string[] {
  return machine.getTransitionData(snapshot, event).map(transitionKey);
}
