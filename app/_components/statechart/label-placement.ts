/**
 * Where each transition's label goes: beside its own line, clear of every other label, every
 * line (arrows and state outlines) and every state box. Positions along the line and sides are
 * tried in order of preference; the first free spot wins. Hand-placed labels broke whenever the
 * machine gained a transition, and overlapped where arrows crowd (the browser test checks the
 * rendered result).
 */
import { boxesOverlap, containsPoint, inflate, type Box, type Point } from './chart-geometry';

/** Edge labels are 11.5 px monospace (globals.css `.sc-edge-label`); a generous advance per character. */
export const LABEL_CHAR_WIDTH = 7.2;
export const LABEL_LINE_HEIGHT = 14;
/** Space kept between a label and any line or other label. */
const CLEARANCE = 3;

export type Side =
  | 'above'
  | 'below'
  | 'left'
  | 'right'
  | 'above-left'
  | 'above-right'
  | 'below-left'
  | 'below-right';

export interface LabelRequest {
  id: string;
  lines: string[];
  /** Points along the label's own line. */
  points: Point[];
  /** Where to try first: a fraction along the line, and a side. */
  hint?: { at?: number; side?: Side };
}

export interface Obstacles {
  bounds: Box;
  /** State boxes and fixed texts: no label may overlap them. */
  boxes: Box[];
  /** Every drawn line, each label's own included. */
  lines: Point[][];
}

const ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];
const GAPS = [4, 10, 18];
const ACROSS_HORIZONTAL: Side[] = [
  'above',
  'below',
  'above-right',
  'above-left',
  'below-right',
  'below-left',
  'right',
  'left',
];
const ACROSS_VERTICAL: Side[] = [
  'right',
  'left',
  'above-right',
  'below-right',
  'above-left',
  'below-left',
  'above',
  'below',
];

export function labelSize(lines: readonly string[]): { width: number; height: number } {
  const longest = Math.max(0, ...lines.map((line) => line.length));
  return { width: longest * LABEL_CHAR_WIDTH + 4, height: lines.length * LABEL_LINE_HEIGHT };
}

/** The box of the given size beside `p` on `side`, `gap` away. */
function besides(p: Point, size: { width: number; height: number }, side: Side, gap: number): Box {
  const { width, height } = size;
  const diagonal = gap / Math.SQRT2;
  const x = side.includes('left')
    ? p.x - (side === 'left' ? gap : diagonal) - width
    : side.includes('right')
      ? p.x + (side === 'right' ? gap : diagonal)
      : p.x - width / 2;
  const y = side.startsWith('above')
    ? p.y - (side === 'above' ? gap : diagonal) - height
    : side.startsWith('below')
      ? p.y + (side === 'below' ? gap : diagonal)
      : p.y - height / 2;
  return { x, y, width, height };
}

function collisions(box: Box, obstacles: Obstacles, placed: Box[]): number {
  const { bounds } = obstacles;
  let count =
    box.x < bounds.x ||
    box.y < bounds.y ||
    box.x + box.width > bounds.x + bounds.width ||
    box.y + box.height > bounds.y + bounds.height
      ? 1
      : 0;
  const clear = inflate(box, CLEARANCE);
  for (const other of [...obstacles.boxes, ...placed]) if (boxesOverlap(clear, other)) count++;
  for (const line of obstacles.lines) if (line.some((p) => containsPoint(clear, p))) count++;
  return count;
}

function candidates(request: LabelRequest): { at: number; side: Side }[] {
  const { points, hint } = request;
  const along = hint?.at === undefined ? ALONG : [hint.at, ...ALONG];
  return along.flatMap((at) => {
    const i = Math.min(points.length - 2, Math.max(0, Math.round(at * (points.length - 1))));
    const [a, b] = [points[i]!, points[i + 1]!];
    const sides = Math.abs(b.x - a.x) >= Math.abs(b.y - a.y) ? ACROSS_HORIZONTAL : ACROSS_VERTICAL;
    const ordered = hint?.side ? [hint.side, ...sides.filter((s) => s !== hint.side)] : sides;
    return ordered.map((side) => ({ at, side }));
  });
}

const pointAt = (points: Point[], at: number) =>
  points[Math.min(points.length - 1, Math.max(0, Math.round(at * (points.length - 1))))]!;

/** Label boxes by request id, placed in the order given (earlier requests get the better spots). */
export function placeLabels(requests: LabelRequest[], obstacles: Obstacles): Map<string, Box> {
  const placed = new Map<string, Box>();
  for (const request of requests) {
    const size = labelSize(request.lines);
    let best: { box: Box; hits: number } | undefined;
    search: for (const { at, side } of candidates(request)) {
      for (const gap of GAPS) {
        const box = besides(pointAt(request.points, at), size, side, gap);
        const hits = collisions(box, obstacles, [...placed.values()]);
        if (!best || hits < best.hits) best = { box, hits };
        if (hits === 0) break search;
      }
    }
    placed.set(request.id, best!.box);
  }
  return placed;
}
