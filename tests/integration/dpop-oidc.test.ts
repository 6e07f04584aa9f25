import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOidcBackend,
  importDpopServerKey,
  type DpopServerKey,
  type OidcBackend,
} from 'token-reissue/server';
import { userFromClaims } from '@/lib/validations/oidc';
import type { SessionUser } from '@/lib/next-auth';
import { signInWithCode } from '../support/oidc-provider/code-flow';
import { startTestProvider, type TestProvider } from '../support/oidc-provider/server';
import { boundTo, newKey, proof, thumbprint, type KeyPair } from '../backend/dpop-support';

/**
 * The oidc adapter with DPoP against oidc-provider 8 (`features.dPoP`, a nonce demanded on every
 * proof, strict rotation): the browser's proof forwarded on the refresh_token grant binds the new
 * access token to the browser's key; a proof without the provider's nonce comes back with the
 * nonce and rotates nothing; a refresh the server starts is bound to the server's key.
 */
const CLIENT = {
  client_id: 'app-dpop',
  client_secret: 'dpop-secret-dpop-secret-dpop-secret',
  redirect_uris: ['http://localhost:1/api/auth/callback/oidc'],
};

let dataDir: string;
let provider: TestProvider;
let serverKey: DpopServerKey;
let browserKey: KeyPair;
let adapter: OidcBackend<SessionUser>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oidc-dpop-'));
  provider = await startTestProvider({
    dataDir,
    port: 0,
    clients: [CLIENT],
    audience: 'https://api.token-reissue.test',
    accessTokenTtlSeconds: 30,
    refreshTokenTtlSeconds: 3600,
    dpop: { nonce: true },
  });
  serverKey = await importDpopServerKey(
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
  );
  browserKey = await newKey();
  adapter = createOidcBackend<SessionUser>({
    issuer: provider.issuer,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    allowInsecureHttp: true,
    timeoutMs: 5_000,
    user: userFromClaims,
    dpopKey: async () => serverKey.keyPair,
    log: () => {},
  });
});
afterAll(async () => {
  await provider?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const signIn = () =>
  signInWithCode(
    {
      issuer: provider.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      redirectUri: CLIENT.redirect_uris[0]!,
    },
    'demo@example.com',
  );

describe('the oidc adapter with DPoP', () => {
  it("a forwarded proof without the provider's nonce: nothing rotates, the nonce comes back; signed again with it, the token is bound to the browser's key", async () => {
    const signedIn = await signIn();
    const before = provider.counts();
    const tokenEndpoint = (await adapter.tokenEndpoint())!;
    const first = await adapter.reissue(signedIn.refresh_token!, {
      proof: await proof(browserKey, 'POST', tokenEndpoint),
    });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.code).toBe('REISSUE_UNAVAILABLE');
    expect(first.dpopNonce).toEqual(expect.any(String));
    expect(provider.counts().refreshGrants - before.refreshGrants).toBe(0);

    const second = await adapter.reissue(signedIn.refresh_token!, {
      proof: await proof(browserKey, 'POST', tokenEndpoint, { nonce: first.dpopNonce }),
    });
    if (!second.ok) throw new Error(second.reason);
    expect(boundTo(second.tokens.accessToken)).toBe(await thumbprint(browserKey));
    expect(second.tokens.accessTokenJkt).toBe(await thumbprint(browserKey));
    expect(second.tokens.serverAccessToken).toBeUndefined();
    expect(second.tokens.refreshToken).not.toBe(signedIn.refresh_token);
    const after = provider.counts();
    expect(after.refreshGrants - before.refreshGrants).toBe(1);
    expect(after.grantsRevoked - before.grantsRevoked).toBe(0);
  });

  it("a refresh the server starts is bound to the server's key (its DPoP handle answers the nonce itself)", async () => {
    const signedIn = await signIn();
    const outcome = await adapter.reissue(signedIn.refresh_token!, {
      jkt: 'ignored-without-proof',
    });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(boundTo(outcome.tokens.accessToken)).toBe(serverKey.jkt);
    expect(outcome.tokens.serverAccessToken).toBe(outcome.tokens.accessToken);
  });
});
