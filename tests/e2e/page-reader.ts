import type { CookieJar } from './harness';

/**
 * A page load as a person without JavaScript experiences it, across an outage: it follows the
 * redirect of a Server Component to `/session-unavailable`, and when a page answers 503 with
 * the retry page, it waits the page's Retry-After and loads the page again, as the page's own
 * refresh does. It ends at the first 200, at a redirect to sign-in (a logout), at anything
 * else, or at `deadline`. Every answer is recorded, so a test can count the 503s and time them.
 */
export interface Visit {
  status: number;
  path: string;
  /** Epoch ms when the answer arrived. */
  at: number;
  ms: number;
  retryPage: boolean;
}

export interface PageLoad {
  outcome: 'ok' | 'signed-out' | 'failed' | 'deadline';
  visits: Visit[];
  /** 503 retry pages this load went through. */
  retryPages: number;
  startedAt: number;
  endedAt: number;
}

export async function loadUntilAnswered(
  origin: string,
  jar: CookieJar,
  path: string,
  deadline: number,
): Promise<PageLoad> {
  const visits: Visit[] = [];
  const startedAt = Date.now();
  const end = (outcome: PageLoad['outcome']): PageLoad => ({
    outcome,
    visits,
    retryPages: visits.filter((v) => v.retryPage).length,
    startedAt,
    endedAt: Date.now(),
  });
  let target = path;
  while (Date.now() < deadline) {
    const sent = Date.now();
    const response = await fetch(`${origin}${target}`, {
      redirect: 'manual',
      headers: { cookie: jar.header(), accept: 'text/html' },
      signal: AbortSignal.timeout(Math.max(1, Math.min(60_000, deadline - sent))),
    }).catch(() => undefined);
    const body = (await response?.text().catch(() => '')) ?? '';
    if (response) jar.store(response);
    const status = response?.status ?? 0;
    const retryPage = status === 503 && body.includes('Retry now');
    visits.push({ status, path: target, at: Date.now(), ms: Date.now() - sent, retryPage });
    if (status === 200) return end('ok');
    const location = response?.headers.get('location');
    if (status >= 300 && status < 400 && location) {
      const next = new URL(location, origin);
      if (next.pathname === '/signin') return end('signed-out');
      if (next.pathname !== '/session-unavailable') return end('failed');
      target = `${next.pathname}${next.search}`;
      continue;
    }
    if (!retryPage) return end('failed');
    const retryAfterMs = Number(response?.headers.get('retry-after') ?? '5') * 1000;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(retryAfterMs, deadline - Date.now()))),
    );
    target = path;
  }
  return end('deadline');
}

/** "3×200, 2×503" for a list of statuses. */
export function countStatuses(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${n}×${status}`)
    .join(', ');
}
