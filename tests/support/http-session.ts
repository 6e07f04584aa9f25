import { decode, type JWT } from 'next-auth/jwt';

/**
 * A signed-in session over plain HTTP, for scripts that run outside vitest (the browser-test
 * harness imports vitest): cookies kept by hand, the session decoded with the app's secret,
 * and the API's reissue counters.
 */
export async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, csrfToken, json: 'true' }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
  if (!session.some((c) => c.startsWith('next-auth.session-token'))) {
    throw new Error(`Sign-in failed with HTTP ${response.status}`);
  }
  return [...cookies, ...session].join('; ');
}

export async function sessionOf(cookieHeader: string, secret: string): Promise<JWT> {
  const token = cookieHeader
    .split('; ')
    .filter((c) => /^next-auth\.session-token(\.\d+)?=/.test(c))
    .map((c) => c.slice(c.indexOf('=') + 1))
    .join('');
  const session = await decode({ token, secret });
  if (!session) throw new Error('No readable session cookie');
  return session;
}

export async function reissueCounters(apiUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const counters: Record<string, number> = { rotated: 0, grace: 0, reuse_detected: 0, invalid: 0 };
  for (const match of text.matchAll(/^auth_reissue_total\{outcome="(\w+)"\} (\d+)/gm)) {
    counters[match[1]!] = Number(match[2]);
  }
  return counters;
}
