import { generateKeyPairSync } from 'node:crypto';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAuthInterceptors, createAuthFetch, type TokenSource } from 'token-reissue';
import { createDpopSigner, importDpopServerKey } from 'token-reissue/server';
import { createReferenceBackend } from '@/lib/server/backends/reference';
import type { ServerDpop } from '@/lib/server/dpop';
import type { TokenPair } from '@/lib/validations/auth';
import { postJson, startServer, type TestServer } from '../backend/harness';
import { boundTo, newKey, proof, thumbprint, type KeyPair } from '../backend/dpop-support';

/**
 * DPoP end to end on the Node side, against the real reference API: the reference adapter's
 * token requests (one rotation answering the browser's and the server's token), and the
 * interceptors and `fetch` client signing every request and answering a nonce demand with one
 * retry that is not a reissue.
 */
let api: TestServer;
let server: ServerDpop;
let serverJkt: string;
let browserKey: KeyPair;

beforeAll(async () => {
  api = await startServer({ DPOP_REQUIRED: '1' });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = await importDpopServerKey(
    privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  server = {
    signer: createDpopSigner({ key: async () => key.keyPair }),
    jkt: async () => key.jkt,
    keyPair: async () => key.keyPair,
  };
  serverJkt = key.jkt;
  browserKey = await newKey();
});
afterAll(async () => {
  await api.close();
});

const backend = () =>
  createReferenceBackend({ baseUrl: api.url, timeoutMs: 5_000 }, { dpop: () => server });

async function rotations(): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return Number(/^auth_reissue_total\{outcome="rotated"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

async function signedUp(): Promise<{ email: string; password: string }> {
  const email = `dpop-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const password = 'correct horse battery';
  const response = await postJson(
    `${api.url}/auth/signup`,
    { email, password, penName: 'Bound' },
    { dpop: await proof(browserKey, 'POST', `${api.url}/auth/signup`) },
  );
  expect(response.status).toBe(201);
  return { email, password };
}

async function loggedIn(): Promise<TokenPair> {
  const { email, password } = await signedUp();
  const result = await backend().login(email, password);
  if (!result.ok) throw new Error(JSON.stringify(result.failure));
  return result.value;
}

describe('the reference adapter with DPoP', () => {
  it('login binds the one access token to the server key; the browser has none of its own yet', async () => {
    const pair = await loggedIn();
    expect(boundTo(pair.serverAccessToken!)).toBe(serverJkt);
    expect(pair.accessToken).toBe(pair.serverAccessToken);
    expect(pair.accessTokenJkt).toBe(serverJkt);
  });

  it("a reissue with the browser's forwarded proof: one rotation, its token bound to the browser, the server's to the server", async () => {
    const pair = await loggedIn();
    const before = await rotations();
    const outcome = await backend().reissue(pair.refreshToken, {
      proof: await proof(browserKey, 'POST', `${api.url}/auth/reissue`),
    });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(boundTo(outcome.tokens.accessToken)).toBe(await thumbprint(browserKey));
    expect(outcome.tokens.accessTokenJkt).toBe(await thumbprint(browserKey));
    expect(boundTo(outcome.tokens.serverAccessToken!)).toBe(serverJkt);
    expect((await rotations()) - before).toBe(1);
  });

  it("a reissue started on the server binds the browser's token to the session's key", async () => {
    const pair = await loggedIn();
    const outcome = await backend().reissue(pair.refreshToken, {
      jkt: await thumbprint(browserKey),
    });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(boundTo(outcome.tokens.accessToken)).toBe(await thumbprint(browserKey));
    expect(boundTo(outcome.tokens.serverAccessToken!)).toBe(serverJkt);
  });

  it("a forwarded proof the API refuses (it now demands a nonce) falls back to the server's proof with the nonce: still one rotation, both tokens", async () => {
    const pair = await loggedIn();
    await postJson(`${api.url}/debug/require-dpop-nonce`, {});
    try {
      const before = await rotations();
      const outcome = await backend().reissue(pair.refreshToken, {
        proof: await proof(browserKey, 'POST', `${api.url}/auth/reissue`),
      });
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(boundTo(outcome.tokens.accessToken)).toBe(await thumbprint(browserKey));
      expect(boundTo(outcome.tokens.serverAccessToken!)).toBe(serverJkt);
      expect((await rotations()) - before).toBe(1);
    } finally {
      await postJson(`${api.url}/debug/require-dpop-nonce`, { on: false });
    }
  });

  it('a replayed forwarded proof is not read as a dead refresh token', async () => {
    const pair = await loggedIn();
    const forwarded = await proof(browserKey, 'POST', `${api.url}/auth/reissue`);
    const first = await backend().reissue(pair.refreshToken, { proof: forwarded });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const second = await backend().reissue(first.tokens.refreshToken, { proof: forwarded });
    expect(second.ok).toBe(true);
  });
});

describe('requests carry proofs; a nonce demand costs one retry, not a reissue', () => {
  async function bound(): Promise<{
    accessToken: string;
    renewals: string[];
    source: TokenSource;
  }> {
    const signup = await postJson(
      `${api.url}/auth/signup`,
      {
        email: `src-${Date.now()}-${Math.random()}@example.com`,
        password: 'correct horse battery',
        penName: 'Src',
      },
      { dpop: await proof(browserKey, 'POST', `${api.url}/auth/signup`) },
    );
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const renewals: string[] = [];
    const source: TokenSource = {
      isRenewing: () => false,
      acquire: async () => accessToken,
      renew: async (token) => {
        renewals.push(token);
        return accessToken;
      },
    };
    return { accessToken, renewals, source };
  }
  const browserSigner = () => createDpopSigner({ key: async () => browserKey });

  async function unauthorized(): Promise<number> {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    return Number(
      /^api_requests_total\{route="\/users\/me",method="GET",status="401"\} (\d+)/m.exec(
        text,
      )?.[1] ?? 0,
    );
  }

  it('axios: proofs on every request; after the API starts demanding a nonce, one 401 and the same token again', async () => {
    const { renewals, source } = await bound();
    const instance = axios.create({ baseURL: api.url });
    const signer = browserSigner();
    attachAuthInterceptors(instance, source, { dpop: () => signer });
    for (let i = 0; i < 3; i += 1) expect((await instance.get('/users/me')).status).toBe(200);
    await postJson(`${api.url}/debug/require-dpop-nonce`, {});
    try {
      const before = await unauthorized();
      expect((await instance.get('/users/me')).status).toBe(200);
      expect((await unauthorized()) - before).toBe(1);
      expect((await instance.get('/users/me')).status).toBe(200);
      expect((await unauthorized()) - before).toBe(1);
      expect(renewals).toEqual([]);
    } finally {
      await postJson(`${api.url}/debug/require-dpop-nonce`, { on: false });
    }
  });

  it('fetch: the same', async () => {
    const { renewals, source } = await bound();
    const authFetch = createAuthFetch(source, { baseUrl: api.url, dpop: browserSigner });
    expect((await authFetch('/users/me')).status).toBe(200);
    await postJson(`${api.url}/debug/require-dpop-nonce`, {});
    try {
      const before = await unauthorized();
      expect((await authFetch('/users/me')).status).toBe(200);
      expect((await unauthorized()) - before).toBe(1);
      expect(renewals).toEqual([]);
    } finally {
      await postJson(`${api.url}/debug/require-dpop-nonce`, { on: false });
    }
  });

  it('a token bound to another key is renewed before it is sent', async () => {
    const { source, renewals } = await bound();
    const pair = await loggedIn();
    const renewed: string[] = [];
    const serverBound: TokenSource = {
      ...source,
      acquire: async () => pair.serverAccessToken!,
      renew: async (token) => {
        renewed.push(token);
        return source.acquire();
      },
    };
    const instance = axios.create({ baseURL: api.url });
    const signer = browserSigner();
    attachAuthInterceptors(instance, serverBound, { dpop: () => signer });
    const before = await unauthorized();
    expect((await instance.get('/users/me')).status).toBe(200);
    expect(renewed).toEqual([pair.serverAccessToken]);
    expect((await unauthorized()) - before).toBe(0);
    expect(renewals).toEqual([]);
  });
});
