/**
 * 503 for a page whose session could not be renewed right now: a plain page that retries by
 * itself after a few seconds and offers a link to retry at once. The session is kept. The proxy
 * step answers a page GET with it (retry = this same URL, `returnTo` omitted); an app's own
 * route can serve it for Server Components (retry = the page that failed, a same-site path).
 */
import { NextResponse } from 'next/server';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function unavailablePage(returnTo?: string): NextResponse {
  const target = (returnTo ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5${target ? `;url=${target}` : ''}"><title>Try again in a moment</title></head>
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
