import type { DiagramState, MachineDiagram } from 'token-reissue';

/**
 * Where to draw a machine description (`machines/auth.diagram.ts`) as SVG. The states and
 * transitions come from the machine; only positions live here. A state without a position is
 * placed in a row along the bottom, a transition without a bend is drawn straight, so a change
 * to the machine shows up in the picture without touching this file.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

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
  label: Point;
  labelAnchor: 'start' | 'middle' | 'end';
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
  authenticated: { x: 282, y: 16, width: 316, height: 124 },
  'authenticated.active': { x: 304, y: 62, width: 128, height: 56 },
  'authenticated.refreshed': { x: 448, y: 62, width: 132, height: 56 },
  signedOut: { x: 28, y: 210, width: 136, height: 56 },
  expired: { x: 716, y: 210, width: 136, height: 56 },
  // Wide enough that the proactive → reactive label fits between the two children.
  refreshing: { x: 250, y: 290, width: 380, height: 120 },
  'refreshing.proactive': { x: 266, y: 338, width: 120, height: 56 },
  'refreshing.reactive': { x: 494, y: 338, width: 120, height: 56 },
};
const ANY_STATE: Box = { x: 42, y: 352, width: 108, height: 30 };
const BASE_HEIGHT = 430;

/** Sideways pull of each arrow, in px (positive bends to the left of the direction of travel). */
const BENDS: Record<string, number> = {
  'signedOut->authenticated': 50,
  'authenticated->signedOut': 50,
  'authenticated->refreshing.proactive': -30,
  'authenticated->refreshing.reactive': 30,
  'refreshing->authenticated': 0,
  'refreshing->authenticated.refreshed': -90,
  'refreshing->signedOut': -40,
  'refreshing->expired': 40,
  'expired->signedOut': 300,
  'expired->authenticated': 40,
};

/** Where along an arrow its label sits, from 0 (source) to 1 (target); 0.5 unless listed. */
const LABEL_AT: Record<string, number> = {
  'refreshing->authenticated': 0.72,
  'refreshing->authenticated.refreshed': 0.4,
  'authenticated->refreshing.proactive': 0.55,
  'authenticated->refreshing.reactive': 0.55,
  'expired->authenticated': 0.35,
};

/** Which side a self-transition loops out of. */
const LOOP_SIDES: Record<string, 'right' | 'bottom' | 'left'> = {
  authenticated: 'right',
  refreshing: 'right',
};

const center = (box: Box): Point => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
const fmt = (n: number) => Math.round(n * 10) / 10;
const point = (p: Point) => `${fmt(p.x)} ${fmt(p.y)}`;

/** Where a ray from the box's centre towards `toward` leaves the box. */
function exitPoint(box: Box, toward: Point): Point {
  const c = center(box);
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const t = Math.min(
    dx === 0 ? Infinity : box.width / 2 / Math.abs(dx),
    dy === 0 ? Infinity : box.height / 2 / Math.abs(dy),
  );
  return { x: c.x + dx * t, y: c.y + dy * t };
}

function curve(
  from: Box,
  to: Box,
  bend: number,
  t = 0.5,
): Pick<EdgeLayout, 'path' | 'label' | 'labelAnchor'> {
  const a = center(from);
  const b = center(to);
  const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const control = {
    x: (a.x + b.x) / 2 + ((b.y - a.y) / length) * bend,
    y: (a.y + b.y) / 2 - ((b.x - a.x) / length) * bend,
  };
  const start = exitPoint(from, control);
  const end = exitPoint(to, control);
  const middle = {
    x: (1 - t) ** 2 * start.x + 2 * (1 - t) * t * control.x + t ** 2 * end.x,
    y: (1 - t) ** 2 * start.y + 2 * (1 - t) * t * control.y + t ** 2 * end.y,
  };
  const path = `M ${point(start)} Q ${point(control)} ${point(end)}`;
  // Beside a mostly vertical arrow, on the side it bows to; centred on any other.
  if (Math.abs(b.y - a.y) > Math.abs(b.x - a.x) * 1.2) {
    const right = control.x >= (start.x + end.x) / 2;
    return {
      path,
      label: { x: middle.x + (right ? 8 : -8), y: middle.y },
      labelAnchor: right ? 'start' : 'end',
    };
  }
  return { path, label: middle, labelAnchor: 'middle' };
}

function loop(
  box: Box,
  side: 'right' | 'bottom' | 'left',
): Omit<EdgeLayout, 'id' | 'source' | 'target' | 'events' | 'details'> {
  const c = center(box);
  if (side === 'bottom') {
    const y = box.y + box.height;
    return {
      path: `M ${point({ x: c.x - 16, y })} C ${point({ x: c.x - 50, y: y + 44 })} ${point({ x: c.x + 50, y: y + 44 })} ${point({ x: c.x + 16, y })}`,
      label: { x: c.x, y: y + 46 },
      labelAnchor: 'middle',
    };
  }
  const x = side === 'right' ? box.x + box.width : box.x;
  const out = side === 'right' ? 46 : -46;
  return {
    path: `M ${point({ x, y: c.y - 14 })} C ${point({ x: x + out, y: c.y - 44 })} ${point({ x: x + out, y: c.y + 44 })} ${point({ x, y: c.y + 14 })}`,
    label: { x: x + out * 0.8 + (side === 'right' ? 6 : -6), y: c.y },
    labelAnchor: side === 'right' ? 'start' : 'end',
  };
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

  const edges = [...groups].map(([id, group]): EdgeLayout => {
    const to = boxes.get(group.target)!;
    if (group.source === group.target) {
      return { id, ...group, ...loop(to, LOOP_SIDES[group.target] ?? 'right') };
    }
    const from = group.source === null ? ANY_STATE : boxes.get(group.source)!;
    return { id, ...group, ...curve(from, to, BENDS[id] ?? 0, LABEL_AT[id]) };
  });

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
