import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '@/backend/seed';
import { metric, postJson, startServer, uniqueEmail, type TestServer } from './harness';

/** Each test gets its own API: the limits are per process and must not leak between tests. */
async function withServer(env: Record<string, string | number>) {
  return startServer({ LOGIN_RATE_LIMIT_PER_MINUTE: 20, ...env });
}

function loginFrom(server: TestServer, address: string, email: string, password: string) {
  // The test client is on loopback, which the API trusts (TRUSTED_PROXIES default) to say
  // where a request comes from, exactly as the Next server does.
  return postJson(`${server.url}/auth/login`, { email, password }, { 'x-forwarded-for': address });
}

describe('per address and account', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({ LOGIN_RATE_LIMIT_PER_MINUTE: 3 });
  });
  afterAll(async () => {
    await server.close();
  });
  const login = (email: string, password: string) =>
    postJson(`${server.url}/auth/login`, { email, password });

  it('answers 429 JSON once an address exceeds the per-minute login limit for one email', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await login(DEMO_USER.email, `wrong-${attempt}`)).status).toBe(401);
    }

    const limited = await login(DEMO_USER.email, DEMO_USER.password);

    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({
      error: 'too_many_requests',
      message: expect.any(String),
    });
    expect(await metric(server, 'auth_login_total', { outcome: 'rate_limited' })).toBe(1);
    expect(await metric(server, 'auth_login_total', { outcome: 'invalid_credentials' })).toBe(3);
  });

  it('counts each email separately, so one limited email does not lock out another', async () => {
    const other = await login('someone-else@example.com', 'whatever-password');

    expect(other.status).toBe(401);
  });

  it('counts the email case- and space-insensitively', async () => {
    const limited = await login('  DEMO@example.com', DEMO_USER.password);

    expect(limited.status).toBe(429);
  });
});

describe('a lock that a flood cannot flush', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A small store, so the flood below is many times its capacity; a 10-minute window, so the
    // lock cannot simply expire while a slow machine sends the flood.
    server = await withServer({ RATE_LIMIT_CAPACITY: 200, LOGIN_RATE_LIMIT_WINDOW_SECONDS: 600 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('20 wrong passwords, 3000 cheap logins with random emails from 3000 addresses, then the right password from the first address: still 429', async () => {
    const attacker = '203.0.113.10';
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect((await loginFrom(server, attacker, DEMO_USER.email, `wrong-${attempt}`)).status).toBe(
        401,
      );
    }
    expect((await loginFrom(server, attacker, DEMO_USER.email, 'wrong-again')).status).toBe(429);

    // The flood: malformed (no password), so the API spends no password hash on them.
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 30; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          loginFrom(server, `198.18.${batch}.${i + 1}`, uniqueEmail('flood'), ''),
        ),
      );
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(statuses.get(400)).toBe(3000);

    const guess = await loginFrom(server, attacker, DEMO_USER.email, DEMO_USER.password);
    expect(guess.status).toBe(429);
  }, 120_000);
});

describe('an attacker cannot lock the owner out', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({});
  });
  afterAll(async () => {
    await server.close();
  });

  it('20 wrong passwords from one address do not stop the owner signing in from another', async () => {
    for (let attempt = 0; attempt < 21; attempt += 1) {
      await loginFrom(server, '203.0.113.20', DEMO_USER.email, `wrong-${attempt}`);
    }
    expect(
      (await loginFrom(server, '203.0.113.20', DEMO_USER.email, DEMO_USER.password)).status,
    ).toBe(429);

    const owner = await loginFrom(server, '192.0.2.55', DEMO_USER.email, DEMO_USER.password);

    expect(owner.status).toBe(200);
  });
});

describe('guessing spread over many addresses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({ LOGIN_FAILURES_PER_ACCOUNT_PER_15_MINUTES: 10 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is capped per account, yet an address that signed in to the account before still can', async () => {
    const owner = '192.0.2.77';
    expect((await loginFrom(server, owner, DEMO_USER.email, DEMO_USER.password)).status).toBe(200);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const status = (
        await loginFrom(server, `198.51.100.${attempt + 1}`, DEMO_USER.email, 'wrong')
      ).status;
      expect(status).toBe(401);
    }

    // An address never seen for this account: refused even with the right password.
    expect(
      (await loginFrom(server, '198.51.100.200', DEMO_USER.email, DEMO_USER.password)).status,
    ).toBe(429);
    // The owner's known address: let in.
    expect((await loginFrom(server, owner, DEMO_USER.email, DEMO_USER.password)).status).toBe(200);
  });
});

describe('per address, any email', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({ LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 50 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('an address spraying random emails is stopped after its per-minute budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      statuses.push((await loginFrom(server, '203.0.113.30', uniqueEmail('spray'), '')).status);
    }
    expect(statuses.slice(0, 50).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(50).every((s) => s === 429)).toBe(true);
    expect((await loginFrom(server, '203.0.113.31', uniqueEmail('other'), '')).status).toBe(400);
  });
});

describe('X-Forwarded-For is trusted only from TRUSTED_PROXIES', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({ TRUSTED_PROXIES: 'none', LOGIN_RATE_LIMIT_PER_MINUTE: 3 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('from an untrusted peer, a new X-Forwarded-For per request does not reset the count', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await loginFrom(server, `203.0.113.${attempt + 1}`, DEMO_USER.email, 'wrong');
    }
    const spoofed = await loginFrom(server, '203.0.113.99', DEMO_USER.email, DEMO_USER.password);

    expect(spoofed.status).toBe(429);
  });
});

describe('sign-up', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await withServer({ SIGNUP_RATE_LIMIT_PER_MINUTE: 3 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is limited per address (each call costs a password hash), whether the email is new or not', async () => {
    const signUp = (email: string, address: string) =>
      postJson(
        `${server.url}/auth/signup`,
        { email, password: 'correct horse battery', penName: 'Writer' },
        { 'x-forwarded-for': address },
      );
    const statuses = [
      (await signUp(uniqueEmail('s'), '203.0.113.40')).status,
      (await signUp(DEMO_USER.email, '203.0.113.40')).status,
      (await signUp(uniqueEmail('s'), '203.0.113.40')).status,
      (await signUp(uniqueEmail('s'), '203.0.113.40')).status,
      (await signUp(DEMO_USER.email, '203.0.113.40')).status,
    ];
    expect(statuses).toEqual([201, 409, 201, 429, 429]);
    expect((await signUp(uniqueEmail('s'), '203.0.113.41')).status).toBe(201);
    expect(await metric(server, 'auth_signup_total', { outcome: 'rate_limited' })).toBe(2);
  });
});
