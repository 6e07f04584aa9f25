import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CookieJar,
  csrfToken,
  decodeSession,
  DEMO,
  postCredentials,
  reissueCount,
  signInWithPassword,
  signUpOnApi,
  startStack,
  writesSessionCookie,
  type Stack,
} from './harness';

/** The API and a `next start` with the default lifetimes: nothing expires by itself here. */
let stack: Stack;
let app: string;

const WRITER_B = {
  email: 'writer-b@example.com',
  password: 'writer-b-password',
  penName: 'Writer B',
};
let writerBId: string;

beforeAll(async () => {
  stack = await startStack();
  app = stack.app.url;
  writerBId = (await signUpOnApi(stack.api.url, WRITER_B)).user.id;
});

afterAll(async () => {
  await stack?.stop();
});

/** POST /api/auth/reissue as the browser's reissue client sends it (plus any header overrides). */
function postReissue(jar: CookieJar, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app}/api/auth/reissue`, {
    method: 'POST',
    headers: {
      cookie: jar.header(),
      'x-auth-reissue': '1',
      accept: 'application/json',
      ...headers,
    },
  });
}

/** A real ticket: rotates the session's refresh token through the reissue route. */
async function reissueTicket(jar: CookieJar): Promise<string> {
  const response = await postReissue(jar);
  expect(response.status).toBe(200);
  return ((await response.json()) as { reissue: string }).reissue;
}

/** The ticket key exactly as lib/auth/ticket.ts derives it from NEXTAUTH_SECRET. */
function ticketKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', 'token-reissue ticket v1', 32));
}

const TICKET = {
  audience: 'token-reissue/ticket',
  keyManagementAlgorithms: ['dir'],
  contentEncryptionAlgorithms: ['A256GCM'],
};

async function getSession(
  jar: CookieJar,
): Promise<{ text: string; json: Record<string, unknown> }> {
  const response = await fetch(`${app}/api/auth/session`, { headers: { cookie: jar.header() } });
  const text = await response.text();
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('the credentials callback never turns client-supplied tokens into a session', () => {
  test('a forged reissue JSON with a valid CSRF token gets 401 and no session cookie', async () => {
    const jar = new CookieJar();
    const forged = JSON.stringify({
      accessToken: 'x',
      accessTokenExpiresAt: Date.now() + 3_600_000,
      refreshToken: 'y',
      refreshTokenExpiresAt: Date.now() + 3_600_000,
      user: { id: writerBId, email: WRITER_B.email, penName: 'Forged', fieldImage: null },
    });

    const response = await postCredentials(app, jar, { reissue: forged });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
    expect((await getSession(jar.store(response))).json).toEqual({});
  });

  test.each([
    ['accessToken', { accessToken: 'forged-access-token' }],
    ['user', { user: JSON.stringify({ id: writerBId, email: WRITER_B.email }) }],
    ['id', { id: writerBId }],
  ])(
    'a correct email and password with an extra %s field gets 401 and no session cookie',
    async (_field, extra) => {
      const jar = new CookieJar();

      const response = await postCredentials(app, jar, {
        email: DEMO.email,
        password: DEMO.password,
        ...extra,
      });

      expect(response.status).toBe(401);
      expect(writesSessionCookie(response)).toBe(false);
    },
  );

  test('a user JSON alone gets 401 and no session cookie', async () => {
    const jar = new CookieJar();
    const user = { id: writerBId, email: WRITER_B.email, penName: WRITER_B.penName };

    const response = await postCredentials(app, jar, { user: JSON.stringify(user) });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
  });
});

describe('reissue tickets open only in the session they were sealed for', () => {
  test("the user's own ticket in their own session gets 200 and a session cookie with the rotated refresh token", async () => {
    const jar = await signInWithPassword(app);
    const before = await decodeSession(jar, stack.secret);
    const reissued = await postReissue(jar);
    const { accessToken, reissue } = (await reissued.json()) as {
      accessToken: string;
      reissue: string;
    };

    const response = await postCredentials(app, jar, { reissue });

    expect(response.status).toBe(200);
    expect(writesSessionCookie(response)).toBe(true);
    const after = await decodeSession(jar.store(response), stack.secret);
    expect(after.sub).toBe(before.sub);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).toBe(accessToken);
    expect((await getSession(jar)).json).toMatchObject({
      accessToken,
      user: { email: DEMO.email },
    });
  });

  test("user A's ticket presented in user B's session gets 401 and B's cookie is left as it was", async () => {
    const ticketForA = await reissueTicket(await signInWithPassword(app));
    const jarB = await signInWithPassword(app, WRITER_B.email, WRITER_B.password);
    const cookieB = jarB.session();

    const response = await postCredentials(app, jarB, { reissue: ticketForA });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
    jarB.store(response);
    expect(jarB.session()).toBe(cookieB);
    expect((await decodeSession(jarB, stack.secret)).sub).toBe(writerBId);
    expect((await getSession(jarB)).json).toMatchObject({ user: { email: WRITER_B.email } });
  });

  test('a ticket with one character changed gets 401 and no session cookie', async () => {
    const jar = await signInWithPassword(app);
    const ticket = await reissueTicket(jar);
    // Flip a character in the middle of the ciphertext (the 4th of 5 JWE segments).
    const segments = ticket.split('.');
    const ciphertext = segments[3]!;
    const at = Math.floor(ciphertext.length / 2);
    segments[3] = `${ciphertext.slice(0, at)}${ciphertext[at] === 'A' ? 'B' : 'A'}${ciphertext.slice(at + 1)}`;
    const tampered = segments.join('.');
    expect(tampered).not.toBe(ticket);

    const response = await postCredentials(app, jar, { reissue: tampered });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
  });

  test('a ticket presented without a session cookie gets 401 and no session cookie', async () => {
    const jar = await signInWithPassword(app);
    const ticket = await reissueTicket(jar);
    const withoutSession = jar.withoutSession();

    const response = await postCredentials(app, withoutSession, { reissue: ticket });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
  });

  test('an expired ticket, sealed with the real key, gets 401 and no session cookie', async () => {
    const jar = await signInWithPassword(app);
    const key = ticketKey(stack.secret);
    const { payload } = await jwtDecrypt(await reissueTicket(jar), key, TICKET);
    const issuedAt = Math.floor(Date.now() / 1000) - 120;
    const expired = await new EncryptJWT({ tokens: payload.tokens })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setSubject(payload.sub!)
      .setAudience(TICKET.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 60)
      .encrypt(key);

    const response = await postCredentials(app, jar, { reissue: expired });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
  });
});

describe('/api/auth/reissue answers only same-origin requests with a session', () => {
  test('a request without the X-Auth-Reissue header gets 403, no-store, and rotates nothing', async () => {
    const jar = await signInWithPassword(app);
    const reissuesBefore = await reissueCount(stack.api.url);

    const response = await fetch(`${app}/api/auth/reissue`, {
      method: 'POST',
      headers: { cookie: jar.header() },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await reissueCount(stack.api.url)).toBe(reissuesBefore);
  });

  test('a request from another origin gets 403 even with the header', async () => {
    const jar = await signInWithPassword(app);

    const response = await postReissue(jar, { origin: 'http://evil.test' });

    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('a request the browser marks Sec-Fetch-Site: cross-site gets 403 even with the header', async () => {
    const jar = await signInWithPassword(app);

    const response = await postReissue(jar, { 'sec-fetch-site': 'cross-site' });

    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('a same-origin request without a session cookie gets 401 SESSION_EXPIRED', async () => {
    const jar = new CookieJar();

    const response = await postReissue(jar, { origin: app, 'sec-fetch-site': 'same-origin' });

    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'SESSION_EXPIRED' });
  });

  test('a same-origin request with a session gets 200, no-store, and a body without the new refresh token', async () => {
    const jar = await signInWithPassword(app);

    const response = await postReissue(jar, { origin: app, 'sec-fetch-site': 'same-origin' });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    const body = JSON.parse(text) as { reissue: string };
    expect(Object.keys(body).sort()).toEqual([
      'accessToken',
      'accessTokenExpiresAt',
      'reissue',
      'serverNow',
      'user',
    ]);
    const { payload } = await jwtDecrypt(body.reissue, ticketKey(stack.secret), TICKET);
    const { refreshToken } = payload.tokens as { refreshToken: string };
    expect(refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(text).not.toContain(refreshToken);
  });
});

describe('the session endpoint', () => {
  test('update() from the browser cannot change the access token', async () => {
    const jar = await signInWithPassword(app);
    const { accessToken } = await decodeSession(jar, stack.secret);
    const csrf = await csrfToken(app, jar);

    const response = await fetch(`${app}/api/auth/session`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/json' },
      body: JSON.stringify({
        csrfToken: csrf,
        data: { accessToken: 'forged', refreshToken: 'forged' },
      }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accessToken });
    jar.store(response);
    expect(await decodeSession(jar, stack.secret)).toMatchObject({
      accessToken,
      refreshToken: expect.not.stringMatching(/^forged$/),
    });
    expect((await getSession(jar)).json.accessToken).toBe(accessToken);
  });

  test('the session JSON never contains the refresh token', async () => {
    const jar = await signInWithPassword(app);
    const { refreshToken } = await decodeSession(jar, stack.secret);

    const { text, json } = await getSession(jar);

    expect(json).toMatchObject({ accessToken: expect.any(String), user: { email: DEMO.email } });
    expect(Object.keys(json).sort()).toEqual([
      'accessToken',
      'accessTokenExpiresAt',
      'expires',
      'serverNow',
      'user',
    ]);
    expect(text).not.toContain(refreshToken);
    expect(text).not.toMatch(/refresh_?token/i);
  });
});
