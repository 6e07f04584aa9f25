import { NextResponse, type NextRequest } from 'next/server';

/**
 * Browsers ask for /favicon.ico on any page that names no icon (the 503 retry page is plain
 * HTML): the app's icon, instead of a 404 in the console.
 */
export function GET(req: NextRequest) {
  return NextResponse.redirect(new URL('/icon.svg', req.url), 308);
}
