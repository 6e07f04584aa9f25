/**
 * A sign-in at the test provider without a browser, for unit tests and benchmarks that need a
 * real refresh token: the authorization code flow with PKCE, state and nonce (openid-client),
 * through the provider's development login form, cookies kept by hand. The browser tests sign in
 * through the same form in Chromium instead.
 */
import * as client from 'openid-client';

export interface CodeFlowClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** The provider's cookies as a browser would keep them for its origin. */
class Jar {
  private readonly values = new Map<string, string>();

  store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value) this.values.set(name, value);
      else this.values.delete(name);
    }
  }

  header() {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export async function configFor(options: CodeFlowClient): Promise<client.Configuration> {
  return client.discovery(
    new URL(options.issuer),
    options.clientId,
    undefined,
    client.ClientSecretBasic(options.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
}

/** Signs `login` in (any password) and returns the token endpoint's answer for the code. */
export async function signInWithCode(
  options: CodeFlowClient,
  login: string,
  scope = 'openid profile email offline_access',
) {
  const config = await configFor(options);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorize = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const jar = new Jar();
  let url = authorize.href;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(options.redirectUri)) {
      return client.authorizationCodeGrant(config, new URL(url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
    }
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action || !html.includes('name="login"')) {
      throw new Error(`Unexpected page at ${url} (HTTP ${response.status})`);
    }
    const submitted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any-password' }),
    });
    jar.store(submitted);
    const next = submitted.headers.get('location');
    if (!next)
      throw new Error(`The login form answered HTTP ${submitted.status} without a redirect`);
    url = new URL(next, url).href;
  }
  throw new Error('Too many redirects signing in at the test provider');
}
