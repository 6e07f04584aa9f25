/**
 * Plane geometry for drawing the statechart: boxes, points, and curves kept both as an SVG path
 * and as sampled points, so labels can be placed clear of every line (label-placement.ts).
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

/** A drawn line: its SVG path and points along it no more than ~2 units apart. */
export interface Curve {
  path: string;
  points: Point[];
}

const fmt = (n: number) => Math.round(n * 10) / 10;
const point = (p: Point) => `${fmt(p.x)} ${fmt(p.y)}`;

export const center = (box: Box): Point => ({
  x: box.x + box.width / 2,
  y: box.y + box.height / 2,
});

export function inflate(box: Box, by: number): Box {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function containsPoint(box: Box, p: Point): boolean {
  return p.x > box.x && p.x < box.x + box.width && p.y > box.y && p.y < box.y + box.height;
}

/** Where a ray from the box's centre towards `toward` leaves the box. */
export function exitPoint(box: Box, toward: Point): Point {
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

function sample(at: (t: number) => Point, roughLength: number): Point[] {
  const steps = Math.max(8, Math.ceil(roughLength / 2));
  return Array.from({ length: steps + 1 }, (_, i) => at(i / steps));
}

const distance = (a: Point, b: Point) => Math.hypot(b.x - a.x, b.y - a.y);

/** A straight line, or a cubic Bézier through two control points. */
export function cubic(from: Point, to: Point, via?: readonly [Point, Point]): Curve {
  if (!via) {
    const at = (t: number) => ({
      x: from.x + (to.x - from.x) * t,
      y: from.y + (to.y - from.y) * t,
    });
    return { path: `M ${point(from)} L ${point(to)}`, points: sample(at, distance(from, to)) };
  }
  const [c1, c2] = via;
  const at = (t: number) => {
    const u = 1 - t;
    const [a, b, c, d] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
    return {
      x: a * from.x + b * c1.x + c * c2.x + d * to.x,
      y: a * from.y + b * c1.y + c * c2.y + d * to.y,
    };
  };
  const rough = distance(from, c1) + distance(c1, c2) + distance(c2, to);
  return {
    path: `M ${point(from)} C ${point(c1)} ${point(c2)} ${point(to)}`,
    points: sample(at, rough),
  };
}

/** The outline of a box as points, for keeping labels off state borders. */
export function outline(box: Box): Point[] {
  const { x, y, width, height } = box;
  const corners = [
    { x, y },
    { x: x + width, y },
    { x: x + width, y: y + height },
    { x, y: y + height },
  ];
  return corners.flatMap((corner, i) => cubic(corner, corners[(i + 1) % 4]!).points);
}
