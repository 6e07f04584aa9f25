import { decodeJwt, decodeProtectedHeader } from 'jose';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createBrowserDpop, requestReissue, type DpopKeyStore } from 'token-reissue';
import { sessionUserSchema } from '@/lib/validations/session';
import { newKey } from '../backend/dpop-support';

/**
 * The browser's reissue with DPoP, at the network edge: the POST to the Next route carries a
 * proof of the tab's key for the API's token endpoint; a `USE_DPOP_NONCE` answer (the token
 * endpoint wants its nonce) is signed again once, with the nonce.
 */
const APP = 'http://app.test';
const TOKEN_ENDPOINT = 'https://idp.test/token';
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };
const proofs: string[] = [];

const server = setupServer(
  http.post(`${APP}/api/auth/reissue`, ({ request }) => {
    const proof = request.headers.get('dpop');
    if (proof) proofs.push(proof);
    if (!proof || !decodeJwt(proof).nonce) {
      return HttpResponse.json(
        { error: 'USE_DPOP_NONCE' },
        { status: 400, headers: { 'dpop-nonce': 'nonce-from-the-provider' } },
      );
    }
    return HttpResponse.json({
      accessToken: 'token-2',
      accessTokenExpiresAt: Date.now() + 60_000,
      user,
      ticket: 'sealed-ticket',
    });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it('sends a proof for the token endpoint, and signs again with the nonce the endpoint asked for', async () => {
  const key = await newKey();
  const keys: DpopKeyStore = { get: async () => key, remove: async () => {}, forget: () => {} };
  const dpop = createBrowserDpop(keys);
  dpop.configure(TOKEN_ENDPOINT);

  const result = await requestReissue(
    { accessToken: 'token-1' } as never,
    new AbortController().signal,
    { user: sessionUserSchema, baseUrl: APP, locks: null, dpop },
  );

  expect(result.accessToken).toBe('token-2');
  expect(proofs).toHaveLength(2);
  const [first, second] = proofs.map((proof) => decodeJwt(proof));
  expect(first).toMatchObject({ htm: 'POST', htu: TOKEN_ENDPOINT });
  expect(first!.nonce).toBeUndefined();
  expect(second).toMatchObject({ htu: TOKEN_ENDPOINT, nonce: 'nonce-from-the-provider' });
  expect(second!.jti).not.toBe(first!.jti);
  expect(decodeProtectedHeader(proofs[0]!)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
});

it('sends no proof while DPoP is off', async () => {
  proofs.length = 0;
  server.use(
    http.post(`${APP}/api/auth/reissue`, ({ request }) => {
      if (request.headers.get('dpop')) proofs.push('unexpected');
      return HttpResponse.json({
        accessToken: 'token-3',
        accessTokenExpiresAt: Date.now() + 60_000,
        user,
        ticket: 'sealed-ticket',
      });
    }),
  );
  const result = await requestReissue(
    { accessToken: 'token-1' } as never,
    new AbortController().signal,
    { user: sessionUserSchema, baseUrl: APP, locks: null, dpop: createBrowserDpop() },
  );
  expect(result.accessToken).toBe('token-3');
  expect(proofs).toEqual([]);
});
