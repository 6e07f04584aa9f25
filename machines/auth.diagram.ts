/**
 * A picture of the auth machine, read from the machine object itself (never drawn by hand):
 * a plain structural description, and Mermaid text rendered from it. Pure; `scripts/diagram.ts`
 * writes the files.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { authMachine } from './auth.machine';

export interface DiagramState {
  /** Dotted path from the root, e.g. `authenticated.refreshed`. */
  id: string;
  /** The state's own name, e.g. `refreshed`. */
  key: string;
  /** Id of the parent state; null for top-level states. */
  parent: string | null;
  /** Whether this is the state its parent (or the machine) starts in. */
  initial: boolean;
  entry: string[];
  /** Ids of the actors invoked while in this state. */
  invoke: string[];
}

export type DiagramTransitionKind = 'event' | 'after' | 'done' | 'error';

export interface DiagramTransition {
  /** Id of the state that declares it; null when declared on the machine (taken from any state). */
  source: string | null;
  /** Id of the target; null when the transition only runs actions and stays. */
  target: string | null;
  kind: DiagramTransitionKind;
  /** `SESSION_UPDATE`, `after refreshDue`, `reissue done`, `reissue error`. */
  event: string;
  guard: string | null;
  actions: string[];
  /** `event [guard] / actions`, as drawn on the edge. */
  label: string;
}

export interface MachineDiagram {
  id: string;
  states: DiagramState[];
  transitions: DiagramTransition[];
}

function stateId(node: AnyStateNode): string {
  return node.path.join('.');
}

function descendants(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...descendants(child)]);
}

function nameOf(part: unknown): string {
  if (typeof part === 'string') return part;
  if (typeof part === 'function')
    return ('type' in part && String(part.type)) || part.name || 'inline';
  if (typeof part === 'object' && part !== null && 'type' in part) return String(part.type);
  return 'inline';
}

/** Named actions only: the ones XState adds to run delays and invocations are not part of the design. */
function actionNames(actions: readonly unknown[]): string[] {
  return actions.map(nameOf).filter((name) => !name.startsWith('xstate.'));
}

function eventOf(
  node: AnyStateNode,
  transition: AnyTransitionDefinition,
): [DiagramTransitionKind, string] {
  const { eventType } = transition;
  const delayed = node.after.find((after) => after.eventType === eventType);
  if (delayed) return ['after', `after ${String(delayed.delay)}`];
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return ['done', `${done[1]} done`];
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return ['error', `${error[1]} error`];
  return ['event', eventType];
}

export function describeMachine(machine: AnyStateMachine): MachineDiagram {
  const nodes = descendants(machine.root);
  const states = nodes.map((node): DiagramState => {
    const parent = node.parent && node.parent !== machine.root ? node.parent : null;
    return {
      id: stateId(node),
      key: node.key,
      parent: parent ? stateId(parent) : null,
      initial: (node.parent?.initial?.target ?? []).includes(node),
      entry: actionNames(node.entry),
      invoke: node.invoke.map((invoke) => invoke.id),
    };
  });
  const transitions = [machine.root, ...nodes].flatMap((node) =>
    [...node.transitions.values()].flat().map((transition): DiagramTransition => {
      const [kind, event] = eventOf(node, transition);
      const guard = transition.guard ? nameOf(transition.guard) : null;
      const actions = actionNames(transition.actions);
      const label = [event, guard && `[${guard}]`, actions.length > 0 && `/ ${actions.join(', ')}`]
        .filter(Boolean)
        .join(' ');
      return {
        source: node === machine.root ? null : stateId(node),
        target: transition.target?.[0] ? stateId(transition.target[0]) : null,
        kind,
        event,
        guard,
        actions,
        label,
      };
    }),
  );
  return { id: machine.id, states, transitions };
}

/** Mermaid ids cannot contain dots. */
function mermaidId(id: string): string {
  return id.replaceAll('.', '_');
}

export function renderMermaid(diagram: MachineDiagram): string {
  const lines = ['stateDiagram-v2'];

  function renderStates(parent: string | null, indent: string): void {
    for (const state of diagram.states.filter((candidate) => candidate.parent === parent)) {
      const id = mermaidId(state.id);
      if (state.initial) lines.push(`${indent}[*] --> ${id}`);
      // Mermaid breaks on labels or descriptions of composite states, so those show their id only.
      if (diagram.states.some((candidate) => candidate.parent === state.id)) {
        lines.push(`${indent}state ${id} {`);
        renderStates(state.id, `${indent}  `);
        lines.push(`${indent}}`);
        const notes = [
          ...state.entry.map((action) => `entry / ${action}`),
          ...state.invoke.map((actor) => `invoke ${actor}`),
        ];
        if (notes.length > 0) lines.push(`${indent}note right of ${id} : ${notes.join(', ')}`);
        continue;
      }
      lines.push(id === state.key ? `${indent}${id}` : `${indent}state "${state.key}" as ${id}`);
      if (state.entry.length > 0) lines.push(`${indent}${id} : entry / ${state.entry.join(', ')}`);
      for (const actor of state.invoke) lines.push(`${indent}${id} : invoke ${actor}`);
    }
  }
  renderStates(null, '  ');

  const topLevel = diagram.states.filter((state) => state.parent === null);
  for (const transition of diagram.transitions) {
    // A transition declared on the machine applies in every state: draw it from each one.
    const sources =
      transition.source === null ? topLevel.map((state) => state.id) : [transition.source];
    for (const source of sources) {
      const target = transition.target ?? source;
      lines.push(`  ${mermaidId(source)} --> ${mermaidId(target)} : ${transition.label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(diagram: MachineDiagram): string {
  return [
    `# The \`${diagram.id}\` machine`,
    '',
    'Generated from `machines/auth.machine.ts` by `npm run diagram`; do not edit by hand.',
    '',
    '```mermaid',
    renderMermaid(diagram).trimEnd(),
    '```',
    '',
  ].join('\n');
}

export const DIAGRAM_START = '<!-- auth-machine diagram: generated by `npm run diagram` -->';
export const DIAGRAM_END = '<!-- end of the generated auth-machine diagram -->';

/**
 * `text` (a Markdown page such as the README) with the Mermaid block between the two markers
 * replaced by the diagram, so prose around the picture stays hand-written and the picture never is.
 */
export function embedDiagram(text: string, diagram: MachineDiagram): string {
  const start = text.indexOf(DIAGRAM_START);
  const end = text.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) {
    throw new Error(
      `Markers not found: put ${DIAGRAM_START} and ${DIAGRAM_END} around the diagram`,
    );
  }
  const block = ['```mermaid', renderMermaid(diagram).trimEnd(), '```'].join('\n');
  // Blank lines around the block, as Prettier formats Markdown.
  return `${text.slice(0, start)}${DIAGRAM_START}\n\n${block}\n\n${text.slice(end)}`;
}

/** The auth machine's description, for the docs and for drawing it in the app. */
export const authMachineDiagram: MachineDiagram = describeMachine(authMachine);
