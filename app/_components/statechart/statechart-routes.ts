import type { Box, Point } from './chart-geometry';
import type { Side } from './label-placement';

/**
 * Where the auth machine's states sit and how its arrows run, drawn by hand for this machine.
 * The shape: signedOut and expired on the left, authenticated in the middle, refreshing on the
 * right, so the four arrows between authenticated and refreshing run level and their labels
 * stack between them; the two long arrows go around the outside. Labels are placed by
 * label-placement.ts, trying each route's preferred side first.
 */

export const POSITIONS: Record<string, Box> = {
  signedOut: { x: 20, y: 200, width: 140, height: 56 },
  expired: { x: 20, y: 440, width: 140, height: 56 },
  authenticated: { x: 290, y: 150, width: 200, height: 250 },
  'authenticated.active': { x: 315, y: 196, width: 150, height: 60 },
  'authenticated.refreshed': { x: 315, y: 300, width: 150, height: 60 },
  refreshing: { x: 670, y: 150, width: 200, height: 290 },
  'refreshing.proactive': { x: 695, y: 196, width: 150, height: 60 },
  'refreshing.reactive': { x: 695, y: 300, width: 150, height: 60 },
};
export const ANY_STATE: Box = { x: 14, y: 60, width: 100, height: 30 };
export const BASE_HEIGHT = 550;

export interface Route {
  from: Point;
  to: Point;
  /** Two control points of a cubic Bézier; straight without. */
  via?: [Point, Point];
  label?: { at?: number; side?: Side };
}

/** Hand-drawn routes, from one outline to the other; labels are placed automatically, these sides first. */
export const ROUTES: Record<string, Route> = {
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
export const LOOPS: Record<string, { x: number }> = {
  authenticated: { x: 430 },
  'refreshing.reactive': { x: 770 },
};
