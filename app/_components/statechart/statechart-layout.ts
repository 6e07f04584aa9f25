import type { DiagramState, MachineDiagram } from 'token-reissue';
import {
  center,
  cubic,
  exitPoint,
  outline,
  type Box,
  type Curve,
  type Point,
} from './chart-geometry';
import { placeLabels, type LabelRequest, type Side } from './label-placement';

/**
 * Where to draw a machine description (`machines/auth.diagram.ts`) as SVG. The states and
 * transitions come from the machine; only positions and routes live here, and each label is
 * placed clear of every other label and line (label-placement.ts). A state without a position
 * goes in a row along the bottom, a transition without a route is drawn straight, so a change
 * to the machine shows up in the picture without touching this file.
 *
 * The shape: signedOut and expired on the left, authenticated in the middle, refreshing on the
 * right, so the four arrows between authenticated and refreshing run level and their labels
 * stack between them; the two long arrows go around the outside.
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

const POSITIONS: Record<string, Box> = {
  signedOut: { x: 20, y: 200, width: 140, height: 56 },
  expired: { x: 20, y: 440, width: 140, height: 56 },
  authenticated: { x: 290, y: 150, width: 200, height: 250 },
  'authenticated.active': { x: 315, y: 196, width: 150, height: 60 },
  'authenticated.refreshed': { x: 315, y: 300, width: 150, height: 60 },
  refreshing: { x: 670, y: 150, width: 200, height: 290 },
  'refreshing.proactive': { x: 695, y: 196, width: 150, height: 60 },
  'refreshing.reactive': { x: 695, y: 300, width: 150, height: 60 },
};
const ANY_STATE: Box = { x: 14, y: 60, width: 100, height: 30 };
const BASE_HEIGHT = 550;

interface Route {
  from: Point;
  to: Point;
  /** Two control points of a cubic Bézier; straight without. */
  via?: [Point, Point];
  label?: { at?: number; side?: Side };
}

/** Hand-drawn routes, from one outline to the other; labels are placed automatically, these sides first. */
const ROUTES: Record<string, Route> = {
  // Between authenticated and refreshing: four level arrows, labels stacked between them.
  'authenticated->refreshing.proactive': {
    from: { x: 490, y: 226 },
    to: { x: 695, y: 226 },
    label: { side: 'above' },
  },
  'refreshing->authenticated': {
    from: { x: 670, y: 275 },
    to: { x: 490, y: 275 },
    label: { side: 'above' },
  },
  'refreshing->authenticated.refreshed': {
    from: { x: 670, y: 318 },
    to: { x: 465, y: 318 },
    label: { side: 'above' },
  },
  'authenticated->refreshing.reactive': {
    from: { x: 490, y: 346 },
    to: { x: 695, y: 346 },
    label: { side: 'below' },
  },
  'refreshing.proactive->refreshing.reactive': {
    from: { x: 740, y: 256 },
    to: { x: 740, y: 300 },
    label: { side: 'right' },
  },
  // Around signedOut.
  '*->signedOut': { from: { x: 64, y: 90 }, to: { x: 64, y: 200 }, label: { side: 'right' } },
  'signedOut->authenticated': {
    from: { x: 160, y: 215 },
    to: { x: 290, y: 215 },
    label: { side: 'above' },
  },
  'authenticated->signedOut': {
    from: { x: 290, y: 245 },
    to: { x: 160, y: 245 },
    label: { side: 'below' },
  },
  'expired->signedOut': {
    from: { x: 90, y: 440 },
    to: { x: 90, y: 256 },
    label: { side: 'right' },
  },
  'expired->authenticated': { from: { x: 160, y: 452 }, to: { x: 340, y: 400 } },
  // The two long ones, around the outside: over the top and along the bottom.
  'refreshing->signedOut': {
    from: { x: 770, y: 150 },
    to: { x: 135, y: 200 },
    via: [
      { x: 770, y: 50 },
      { x: 135, y: 50 },
    ],
    label: { at: 0.5, side: 'above' },
  },
  'refreshing->expired': {
    from: { x: 770, y: 440 },
    to: { x: 160, y: 484 },
    via: [
      { x: 770, y: 530 },
      { x: 330, y: 530 },
    ],
    label: { at: 0.5, side: 'below' },
  },
};

/** Self-transitions: a loop out of the box's bottom edge at `x`, label below. */
const LOOPS: Record<string, { x: number }> = {
  authenticated: { x: 430 },
  'refreshing.reactive': { x: 770 },
};

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
