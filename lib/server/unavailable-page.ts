import 'server-only';
import { NextResponse } from 'next/server';

/** Where a Server Component sends a page whose reissue failed for now (it cannot set a status). */
export const UNAVAILABLE_PATH = '/session-unavailable';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * 503 for a page whose session could not be renewed right now: a plain page that retries by
 * itself after a few seconds and offers a link to retry at once. The session is kept. One page
 * for the proxy (retry = this same URL, `returnTo` omitted) and for Server Components (retry =
 * the page that failed, already reduced to a same-site path by the caller).
 */
export function unavailablePage(returnTo?: string): NextResponse {
  const target = (returnTo ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5${target ? `;url=${target}` : ''}"><title>Try again in a moment</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml"></head>
<body><main><h1>Could not renew your session right now</h1>
<p>You are still signed in. This page retries by itself in a few seconds.</p>
<p><a href="${target}">Retry now</a></p></main></body></html>`;
  return new NextResponse(html, {
    status: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'retry-after': '5',
      'cache-control': 'no-store',
    },
  });
}
