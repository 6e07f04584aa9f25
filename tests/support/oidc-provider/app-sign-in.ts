/**
 * Signing in to the app at the test provider without a browser, for scripts (benchmarks): the
 * same requests Chromium makes, next-auth's POST /api/auth/signin/oidc with its CSRF token, the
 * provider's login form, the redirect back to /api/auth/callback/oidc. Cookies are kept by hand
 * per origin. Returns the app's cookie header, session included.
 */
class Jar {
  private readonly values = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/max-age=0/i.test(header)) this.values.set(name, value);
      else this.values.delete(name);
    }
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export async function signInThroughApp(appUrl: string, login: string): Promise<string> {
  const app = new Jar();
  const provider = new Jar();
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  app.store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = await fetch(`${appUrl}/api/auth/signin/oidc`, {
    method: 'POST',
    headers: { cookie: app.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${appUrl}/`, json: 'true' }),
  });
  app.store(start);
  let url = ((await start.json()) as { url: string }).url;

  for (let hop = 0; hop < 12; hop++) {
    const onApp = url.startsWith(appUrl);
    const jar = onApp ? app : provider;
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (onApp && url.includes('/api/auth/callback/')) {
      if (!app.header().includes('next-auth.session-token')) {
        throw new Error(`The callback answered HTTP ${response.status} without a session`);
      }
      return app.header();
    }
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action || !html.includes('name="login"')) {
      throw new Error(`Unexpected page at ${url} (HTTP ${response.status})`);
    }
    const submitted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: provider.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any-password' }),
    });
    provider.store(submitted);
    url = new URL(submitted.headers.get('location')!, url).href;
  }
  throw new Error('Too many redirects signing in through the app');
}
