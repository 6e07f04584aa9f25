import type { DiagramState, MachineDiagram } from 'token-reissue';
import { center, cubic, exitPoint, outline, type Box, type Curve } from './chart-geometry';
import { placeLabels, type LabelRequest } from './label-placement';
import { ANY_STATE, BASE_HEIGHT, LOOPS, POSITIONS, ROUTES } from './statechart-routes';

/**
 * Where to draw a machine description (`machines/auth.diagram.ts`) as SVG. The states and
 * transitions come from the machine; only positions and routes live here, and each label is
 * placed clear of every other label and line (label-placement.ts). A state without a position
 * goes in a row along the bottom, a transition without a route is drawn straight, so a change
 * to the machine shows up in the picture without touching this file (statechart-routes.ts holds
 * the hand-drawn positions and routes).
 */

export type { Box, Point } from './chart-geometry';

export interface NodeLayout extends DiagramState {
  box: Box;
  /** Has child states drawn inside it. */
  composite: boolean;
}

export interface EdgeLayout {
  /** `source->target`; source `*` for transitions declared on the machine (taken from any state). */
  id: string;
  source: string | null;
  target: string;
  /** Distinct event names, one label line each. */
  events: string[];
  /** Full `event [guard] / actions` labels, for the tooltip. */
  details: string[];
  path: string;
  /** Where the label's lines go, clear of every line and other label. */
  labelBox: Box;
}

export interface StatechartLayout {
  width: number;
  height: number;
  nodes: NodeLayout[];
  edges: EdgeLayout[];
  /** Where transitions declared on the machine start: a pseudo-node labelled "any state". */
  anyState: Box;
}

const WIDTH = 880;
const ROW_HEIGHT = 70;

function loop(box: Box, x = center(box).x): Curve {
  const y = box.y + box.height;
  return cubic({ x: x - 16, y }, { x: x + 16, y }, [
    { x: x - 50, y: y + 44 },
    { x: x + 50, y: y + 44 },
  ]);
}

/** Boxes no label may cover: simple states, composite states' names, the initial-state markers. */
function fixedBoxes(nodes: NodeLayout[], anyState: Box | undefined): Box[] {
  return [
    ...(anyState ? [anyState] : []),
    ...nodes.flatMap(({ box, composite, key, initial }) => [
      composite ? { x: box.x + 8, y: box.y + 6, width: key.length * 10 + 12, height: 24 } : box,
      ...(initial ? [{ x: box.x - 18, y: box.y + box.height / 2 - 6, width: 18, height: 12 }] : []),
    ]),
  ];
}

export function layoutStatechart(diagram: MachineDiagram): StatechartLayout {
  let overflow = 0;
  const boxes = new Map<string, Box>();
  for (const state of diagram.states) {
    const known = POSITIONS[state.id];
    boxes.set(
      state.id,
      known ?? {
        x: 16 + (overflow % 5) * 156,
        y: BASE_HEIGHT + Math.floor(overflow / 5) * ROW_HEIGHT,
        width: 136,
        height: 48,
      },
    );
    if (!known) overflow++;
  }
  const height = BASE_HEIGHT + Math.ceil(overflow / 5) * ROW_HEIGHT;

  const nodes = diagram.states.map((state): NodeLayout => ({
    ...state,
    box: boxes.get(state.id)!,
    composite: diagram.states.some((other) => other.parent === state.id),
  }));

  const groups = new Map<
    string,
    { source: string | null; target: string; details: string[]; events: string[] }
  >();
  for (const transition of diagram.transitions) {
    // A transition with no target stays where it is: drawn as a loop on its own state.
    const target = transition.target ?? transition.source;
    if (target === null) continue;
    const id = `${transition.source ?? '*'}->${target}`;
    const group = groups.get(id) ?? { source: transition.source, target, details: [], events: [] };
    group.details.push(transition.label);
    if (!group.events.includes(transition.event)) group.events.push(transition.event);
    groups.set(id, group);
  }

  const drawn = [...groups].map(([id, group]) => {
    const to = boxes.get(group.target)!;
    const route = ROUTES[id];
    let curve: Curve;
    if (group.source === group.target) curve = loop(to, LOOPS[group.target]?.x);
    else if (route) curve = cubic(route.from, route.to, route.via);
    else {
      const from = group.source === null ? ANY_STATE : boxes.get(group.source)!;
      curve = cubic(exitPoint(from, center(to)), exitPoint(to, center(from)));
    }
    const hint =
      route?.label ?? (group.source === group.target ? { side: 'below' as const } : undefined);
    return { id, group, curve, hint, routed: Boolean(route) || id in LOOPS };
  });

  const anyState = drawn.some(({ group }) => group.source === null) ? ANY_STATE : undefined;
  const requests: LabelRequest[] = drawn
    // Routed edges first: the picture was drawn around them; new transitions take what is left.
    .sort((a, b) => Number(b.routed) - Number(a.routed))
    .map(({ id, group, curve, hint }) => ({ id, lines: group.events, points: curve.points, hint }));
  const labels = placeLabels(requests, {
    bounds: { x: 0, y: 0, width: WIDTH, height },
    boxes: fixedBoxes(nodes, anyState),
    lines: [
      ...drawn.map(({ curve }) => curve.points),
      ...nodes.map(({ box }) => outline(box)),
      ...(anyState ? [outline(anyState)] : []),
    ],
  });

  const edges = drawn.map(({ id, group, curve }): EdgeLayout => ({
    id,
    ...group,
    path: curve.path,
    labelBox: labels.get(id)!,
  }));
  return { width: WIDTH, height, nodes, edges, anyState: ANY_STATE };
}

/** The state and its ancestors, innermost first: `authenticated.active` → itself, `authenticated`. */
function selfAndAncestors(id: string): string[] {
  const parts = id.split('.');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('.'));
}

/**
 * The arrow most likely taken from one innermost state to the next: the most specific source
 * (the state, its parents, then "any state") and target (the state, then its parents).
 */
export function edgeBetween(edges: EdgeLayout[], from: string, to: string): EdgeLayout | undefined {
  const sources = [...selfAndAncestors(from), '*'];
  for (const source of sources) {
    for (const target of selfAndAncestors(to)) {
      const edge = edges.find((candidate) => candidate.id === `${source}->${target}`);
      if (edge) return edge;
    }
  }
  return undefined;
}
