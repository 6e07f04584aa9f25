/**
 * Whether the statechart panel can be read: every label's box (edge labels line by line, state
 * names, notes, "any state") compared in the browser with every other label, with every line
 * (transition arrows, state outlines) and, for edge labels, with every simple state's box. Boxes
 * are the rendered ones (getBoundingClientRect), so fonts, scale and device pixels are real.
 */
import type { Page } from 'playwright-core';

export interface Overlaps {
  labels: number;
  /** `a` × `b` for two labels that overlap. */
  labelOnLabel: string[];
  /** A label that a line (an arrow, a state's outline) passes through. */
  lineThroughLabel: string[];
  /** An edge label drawn over a simple state's box. */
  labelOnState: string[];
}

export function statechartOverlaps(page: Page): Promise<Overlaps> {
  return page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('[data-testid="statechart"]')!;
    type Box = { left: number; top: number; right: number; bottom: number };
    const boxOf = (element: Element): Box => {
      const { left, top, right, bottom } = element.getBoundingClientRect();
      return { left, top, right, bottom };
    };
    const intersect = (a: Box, b: Box) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const contains = (box: Box, x: number, y: number) =>
      x > box.left && x < box.right && y > box.top && y < box.bottom;

    // One entry per drawn line of text; the lines of one multi-line label belong together.
    const labels = [...svg.querySelectorAll('text')].flatMap((text, index) => {
      const lines = text.querySelectorAll('tspan');
      const parts = lines.length > 0 ? [...lines] : [text];
      return parts.map((part) => ({
        group: index,
        edge: text.classList.contains('sc-edge-label'),
        name: (part.textContent ?? '').trim(),
        box: boxOf(part),
      }));
    });

    // Lines as points every user unit, in the page's pixels.
    const toScreen = (element: SVGGraphicsElement, x: number, y: number) => {
      const matrix = element.getScreenCTM()!;
      const point = new DOMPoint(x, y).matrixTransform(matrix);
      return { x: point.x, y: point.y };
    };
    const lines: { name: string; points: { x: number; y: number }[] }[] = [];
    for (const path of svg.querySelectorAll<SVGPathElement>('.sc-edge path')) {
      const length = path.getTotalLength();
      const points = [];
      for (let at = 0; at <= length; at += 1) {
        const p = path.getPointAtLength(at);
        points.push(toScreen(path, p.x, p.y));
      }
      lines.push({ name: `arrow ${path.parentElement!.getAttribute('data-transition')}`, points });
    }
    for (const rect of svg.querySelectorAll<SVGRectElement>('.sc-node > rect, .sc-any > rect')) {
      const { x, y, width, height } = rect.getBBox();
      const points = [];
      for (let at = 0; at <= width; at += 1) points.push([x + at, y], [x + at, y + height]);
      for (let at = 0; at <= height; at += 1) points.push([x, y + at], [x + width, y + at]);
      const owner = rect.parentElement!.getAttribute('data-testid') ?? 'any state';
      lines.push({
        name: `outline of ${owner}`,
        points: points.map(([px, py]) => toScreen(rect, px!, py!)),
      });
    }
    const simpleStates = [...svg.querySelectorAll('.sc-node:not(.sc-composite) > rect')].map(
      (rect) => ({ name: rect.parentElement!.getAttribute('data-testid')!, box: boxOf(rect) }),
    );

    const labelOnLabel: string[] = [];
    const lineThroughLabel: string[] = [];
    const labelOnState: string[] = [];
    labels.forEach((label, i) => {
      for (const other of labels.slice(i + 1)) {
        if (other.group !== label.group && intersect(label.box, other.box)) {
          labelOnLabel.push(`"${label.name}" × "${other.name}"`);
        }
      }
      for (const line of lines) {
        if (line.points.some(({ x, y }) => contains(label.box, x, y))) {
          lineThroughLabel.push(`${line.name} through "${label.name}"`);
        }
      }
      if (!label.edge) return;
      for (const state of simpleStates) {
        if (intersect(label.box, state.box)) labelOnState.push(`"${label.name}" on ${state.name}`);
      }
    });
    return { labels: labels.length, labelOnLabel, lineThroughLabel, labelOnState };
  });
}
