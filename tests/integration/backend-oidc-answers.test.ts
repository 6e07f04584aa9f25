import { generateKeyPair, SignJWT } from 'jose';
import { http, HttpResponse, delay, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOidcBackend } from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { userFromClaims } from '@/lib/validations/oidc';

/**
 * The oidc adapter's reading of token endpoint answers a well-behaved test provider never gives:
 * errors of every kind, answers without a refresh token or an ID token, slow and broken
 * networks. msw stands in for the provider at the network edge; the real provider's behaviour is
 * in backend-oidc.test.ts.
 */
const ISSUER = 'https://idp.test/realms/demo';
const CLIENT_ID = 'app';
const TIMEOUT_MS = 300;
const metadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
  jwks_uri: `${ISSUER}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const logged: string[] = [];
function adapter() {
  return createOidcBackend<SessionUser>({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: 'secret',
    timeoutMs: TIMEOUT_MS,
    user: userFromClaims,
    log: (line) => logged.push(line),
  });
}

const { privateKey } = await generateKeyPair('RS256');
const now = () => Math.floor(Date.now() / 1000);
function idToken(claims: Record<string, unknown> = {}) {
  const defaults = { iss: ISSUER, aud: CLIENT_ID, iat: now(), exp: now() + 300 };
  return new SignJWT({ sub: 'ann', email: 'ann@example.com', name: 'Ann', ...defaults, ...claims })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(privateKey);
}

/** Discovery, and the token endpoint answering `answer`. */
function provider(answer: () => Response | Promise<Response>) {
  server.use(
    http.get(`${ISSUER}/.well-known/openid-configuration`, () => HttpResponse.json(metadata)),
    http.post(`${ISSUER}/token`, answer),
  );
}

const json = (body: JsonBodyType, status = 200) =>
  HttpResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });

describe('failures', () => {
  it('400 invalid_grant is SESSION_EXPIRED', async () => {
    provider(() => json({ error: 'invalid_grant', error_description: 'token reused' }, 400));
    expect(await adapter().reissue('r1')).toEqual({
      ok: false,
      code: 'SESSION_EXPIRED',
      reason: 'refresh_token grant: invalid_grant',
    });
  });

  it.each([
    ['a 503 HTML page', () => new HttpResponse('<h1>Down</h1>', { status: 503 })],
    ['500 server_error', () => json({ error: 'server_error' }, 500)],
    ['429 without a body', () => new HttpResponse(null, { status: 429 })],
    [
      '401 invalid_client (our configuration, not the session)',
      () => json({ error: 'invalid_client' }, 401),
    ],
    ['400 invalid_request', () => json({ error: 'invalid_request' }, 400)],
    ['a network error', () => HttpResponse.error()],
    ['200 without an access token', () => json({ token_type: 'Bearer', expires_in: 60 })],
  ])('%s is REISSUE_UNAVAILABLE: the session is kept', async (_name, answer) => {
    provider(answer);
    expect(await adapter().reissue('r1')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
    });
  });

  it('an answer slower than the timeout is REISSUE_UNAVAILABLE, given up after the timeout', async () => {
    provider(async () => {
      await delay(5_000);
      return json({ error: 'late' });
    });
    const started = performance.now();
    expect(await adapter().reissue('r1')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
      reason: 'refresh_token grant: timed out',
    });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('discovery that fails is REISSUE_UNAVAILABLE, and is tried again on the next reissue', async () => {
    let discoveries = 0;
    server.use(
      http.get(`${ISSUER}/.well-known/openid-configuration`, () => {
        discoveries++;
        return discoveries === 1 ? new HttpResponse(null, { status: 502 }) : json(metadata);
      }),
      http.post(`${ISSUER}/token`, async () =>
        json({
          access_token: 'a2',
          token_type: 'Bearer',
          expires_in: 60,
          id_token: await idToken(),
        }),
      ),
    );
    const backend = adapter();
    expect(await backend.reissue('r1')).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect((await backend.reissue('r1')).ok).toBe(true);
    expect(discoveries).toBe(2);
  });
});

describe('answers', () => {
  it('without a refresh token (a provider that does not rotate) keeps the presented one; expires_in sets the expiry', async () => {
    provider(async () =>
      json({
        access_token: 'a2',
        token_type: 'Bearer',
        expires_in: 120,
        id_token: await idToken(),
      }),
    );
    const started = Date.now();
    const outcome = await adapter().reissue('kept-refresh');
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.tokens.refreshToken).toBe('kept-refresh');
    expect(outcome.tokens.accessTokenExpiresAt).toBeGreaterThanOrEqual(started + 120_000);
    expect(outcome.tokens.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(outcome.tokens.user).toEqual({
      id: 'ann',
      email: 'ann@example.com',
      penName: 'Ann',
      fieldImage: null,
    });
  });

  it('a new refresh token replaces the presented one, and refresh_expires_in (Keycloak) bounds it', async () => {
    provider(async () =>
      json({
        access_token: 'a2',
        token_type: 'Bearer',
        expires_in: 60,
        refresh_token: 'r2',
        refresh_expires_in: 1800,
        id_token: await idToken(),
      }),
    );
    const started = Date.now();
    const outcome = await adapter().reissue('r1');
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.tokens.refreshToken).toBe('r2');
    expect(outcome.tokens.refreshTokenExpiresAt).toBeGreaterThanOrEqual(started + 1_800_000);
    expect(outcome.tokens.refreshTokenExpiresAt).toBeLessThanOrEqual(Date.now() + 1_800_000);
  });

  it('without an ID token, the user comes from the userinfo endpoint with the new access token', async () => {
    const seen: (string | null)[] = [];
    provider(() =>
      json({ access_token: 'a2', token_type: 'Bearer', expires_in: 60, refresh_token: 'r2' }),
    );
    server.use(
      http.get(`${ISSUER}/userinfo`, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return json({
          sub: 'bob',
          preferred_username: 'bobby',
          picture: 'http://insecure.test/b.png',
        });
      }),
    );
    const outcome = await adapter().reissue('r1');
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(seen).toEqual(['Bearer a2']);
    expect(outcome.tokens.user).toEqual({
      id: 'bob',
      email: '',
      penName: 'bobby',
      fieldImage: null,
    });
  });

  it('claims that do not make a user are REISSUE_UNAVAILABLE and logged without a token', async () => {
    logged.length = 0;
    provider(async () =>
      json({
        access_token: 'a2-secret',
        token_type: 'Bearer',
        expires_in: 60,
        refresh_token: 'r2-secret',
        id_token: await idToken({ sub: 'x'.repeat(300) }),
      }),
    );
    expect(await adapter().reissue('r1-secret')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
    });
    expect(logged.join('\n')).toMatch(/claims do not make a user/);
    expect(logged.join('\n')).not.toMatch(/secret/);
  });

  it('an ID token for another client is refused (openid-client checks aud), never adopted', async () => {
    provider(async () =>
      json({
        access_token: 'a2',
        token_type: 'Bearer',
        expires_in: 60,
        id_token: await idToken({ aud: 'someone-else' }),
      }),
    );
    expect(await adapter().reissue('r1')).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
  });
});
