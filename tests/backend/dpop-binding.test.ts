import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenResponse } from '@/backend/services';
import { bearer, postJson, startServer, uniqueEmail, type TestServer } from './harness';
import {
  boundTo,
  dpopAuth,
  newKey,
  proof,
  thumbprint,
  type KeyPair,
  dpopClient,
  expectRefused,
} from './dpop-support';

/**
 * RFC 9449 at the reference API's token endpoints: binding to the proof's key and to a second
 * key in one rotation, a failing proof rotating nothing; nonces demanded mid-session; the
 * bounded replay store; DPOP_REQUIRED=1. The resource-side checks: dpop-proof.test.ts.
 */
let server: TestServer;
let key: KeyPair;
beforeAll(async () => {
  server = await startServer({ DPOP_ORIGINS: 'https://api.example.com' });
  key = await newKey();
});
afterAll(async () => {
  await server.close();
});

const { me, signUpWith, boundSession } = dpopClient(
  () => server,
  () => key,
);

describe('token endpoints bind the access token to the proof key (cnf.jkt)', () => {
  it('sign-up, login and reissue with a proof answer a token bound to its thumbprint', async () => {
    const jkt = await thumbprint(key);
    const email = uniqueEmail('bind');
    const signup = await postJson(
      `${server.url}/auth/signup`,
      { email, password: 'correct horse battery', penName: 'Bound' },
      { dpop: await proof(key, 'POST', `${server.url}/auth/signup`) },
    );
    const created = (await signup.json()) as TokenResponse;
    expect(boundTo(created.accessToken)).toBe(jkt);
    expect(created.accessTokenJkt).toBe(jkt);

    const login = (await (
      await postJson(
        `${server.url}/auth/login`,
        { email, password: 'correct horse battery' },
        { dpop: await proof(key, 'POST', `${server.url}/auth/login`) },
      )
    ).json()) as TokenResponse;
    expect(boundTo(login.accessToken)).toBe(jkt);

    const reissued = (await (
      await postJson(
        `${server.url}/auth/reissue`,
        { refreshToken: login.refreshToken },
        { dpop: await proof(key, 'POST', `${server.url}/auth/reissue`) },
      )
    ).json()) as TokenResponse;
    expect(boundTo(reissued.accessToken)).toBe(jkt);
    expect(reissued.refreshToken).not.toBe(login.refreshToken);
  });

  it('without a proof the token is unbound (DPoP optional) and works as a bearer token', async () => {
    const response = await signUpWith({});
    const body = (await response.json()) as TokenResponse;
    expect(boundTo(body.accessToken)).toBeUndefined();
    expect(body.accessTokenJkt).toBeUndefined();
    expect((await me(bearer(body.accessToken))).status).toBe(200);
  });

  it('one rotation answers a second access token bound to the second key the request names', async () => {
    const session = await boundSession();
    const other = await newKey();
    const response = await postJson(
      `${server.url}/auth/reissue`,
      { refreshToken: session.refreshToken, secondJkt: await thumbprint(other) },
      { dpop: await proof(key, 'POST', `${server.url}/auth/reissue`) },
    );
    const body = (await response.json()) as TokenResponse;
    expect(boundTo(body.accessToken)).toBe(await thumbprint(key));
    expect(boundTo(body.second!.accessToken)).toBe(await thumbprint(other));
    const url = `${server.url}/users/me`;
    const withOther = await me(
      dpopAuth(
        body.second!.accessToken,
        await proof(other, 'GET', url, { accessToken: body.second!.accessToken }),
      ),
    );
    expect(withOther.status).toBe(200);
  });

  it('a second key without a proof of the first is refused, and nothing rotates', async () => {
    const session = await boundSession();
    const response = await postJson(`${server.url}/auth/reissue`, {
      refreshToken: session.refreshToken,
      secondJkt: await thumbprint(key),
    });
    expect(response.status).toBe(400);
    const again = await postJson(
      `${server.url}/auth/reissue`,
      { refreshToken: session.refreshToken },
      { dpop: await proof(key, 'POST', `${server.url}/auth/reissue`) },
    );
    expect(again.status).toBe(200);
  });

  it('a reissue whose proof fails answers 400 invalid_dpop_proof and does not rotate', async () => {
    const session = await boundSession();
    const bad = await postJson(
      `${server.url}/auth/reissue`,
      { refreshToken: session.refreshToken },
      { dpop: await proof(key, 'POST', `${server.url}/auth/login`) },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    const good = await postJson(
      `${server.url}/auth/reissue`,
      { refreshToken: session.refreshToken },
      { dpop: await proof(key, 'POST', `${server.url}/auth/reissue`) },
    );
    expect(good.status).toBe(200);
  });
});

describe('nonces demanded mid-session (§8)', () => {
  it('a proof without the nonce gets 401 use_dpop_nonce and DPoP-Nonce; with it, 200; a token request gets 400', async () => {
    const { accessToken, refreshToken } = await boundSession();
    const url = `${server.url}/users/me`;
    expect((await postJson(`${server.url}/debug/require-dpop-nonce`, {})).status).toBe(204);
    try {
      const challenged = await me(
        dpopAuth(accessToken, await proof(key, 'GET', url, { accessToken })),
      );
      const nonce = challenged.headers.get('dpop-nonce')!;
      await expectRefused(challenged, 'use_dpop_nonce');
      const retried = await me(
        dpopAuth(accessToken, await proof(key, 'GET', url, { accessToken, nonce })),
      );
      expect(retried.status).toBe(200);

      const tokenUrl = `${server.url}/auth/reissue`;
      const refused = await postJson(
        tokenUrl,
        { refreshToken },
        { dpop: await proof(key, 'POST', tokenUrl) },
      );
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: 'use_dpop_nonce' });
      const tokenNonce = refused.headers.get('dpop-nonce')!;
      const rotated = await postJson(
        tokenUrl,
        { refreshToken },
        { dpop: await proof(key, 'POST', tokenUrl, { nonce: tokenNonce }) },
      );
      expect(rotated.status).toBe(200);
    } finally {
      await postJson(`${server.url}/debug/require-dpop-nonce`, { on: false });
    }
  });
});

describe('the replay store is bounded', () => {
  it('keeps at most DPOP_REPLAY_CAPACITY jtis: the oldest is forgotten first', async () => {
    const small = await startServer({ DPOP_REPLAY_CAPACITY: 100 });
    try {
      const signup = await postJson(
        `${small.url}/auth/signup`,
        { email: uniqueEmail('bounded'), password: 'correct horse battery', penName: 'Bounded' },
        { dpop: await proof(key, 'POST', `${small.url}/auth/signup`) },
      );
      const { accessToken } = (await signup.json()) as TokenResponse;
      const url = `${small.url}/users/me`;
      const first = await proof(key, 'GET', url, { accessToken });
      const call = (p: string) => fetch(url, { headers: dpopAuth(accessToken, p) });
      expect((await call(first)).status).toBe(200);
      expect((await call(first)).status).toBe(401);
      for (let i = 0; i < 100; i += 1) {
        expect((await call(await proof(key, 'GET', url, { accessToken }))).status).toBe(200);
      }
      expect((await call(first)).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('DPOP_REQUIRED=1', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startServer({ DPOP_REQUIRED: '1' });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('refuses a token request without a proof: 400 invalid_dpop_proof', async () => {
    const response = await postJson(`${strict.url}/auth/signup`, {
      email: uniqueEmail('strict'),
      password: 'correct horse battery',
      penName: 'Strict',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('refuses a bound token as a bearer, and any request without the DPoP scheme; accepts it with a proof', async () => {
    const signup = await postJson(
      `${strict.url}/auth/signup`,
      { email: uniqueEmail('strict'), password: 'correct horse battery', penName: 'Strict' },
      { dpop: await proof(key, 'POST', `${strict.url}/auth/signup`) },
    );
    const { accessToken } = (await signup.json()) as TokenResponse;
    const url = `${strict.url}/users/me`;
    const asBearer = await fetch(url, { headers: bearer(accessToken) });
    await expectRefused(asBearer, 'invalid_token');
    const anonymous = await fetch(url);
    await expectRefused(anonymous, 'invalid_token', /required/);
    const bound = await fetch(url, {
      headers: dpopAuth(accessToken, await proof(key, 'GET', url, { accessToken })),
    });
    expect(bound.status).toBe(200);
  });
});
