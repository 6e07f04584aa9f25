import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcBackend } from 'token-reissue/server';
import { tracedFetch } from '@/lib/core/server/oidc/traced-fetch';
import { userFromClaims } from '@/lib/validations/oidc';
import type { SessionUser } from '@/lib/next-auth';
import {
  parentIdOf,
  startInMemoryTracing,
  type InMemoryTracing,
} from '../support/in-memory-tracing';
import { signInWithCode } from '../support/oidc-provider/code-flow';
import { startTestProvider, type TestProvider } from '../support/oidc-provider/server';

/**
 * The OpenID provider's calls in a reissue's trace, with a real SDK (in memory): each call is a
 * client span under the caller's span, naming the method, host, port and status (never a path
 * or a token), and the provider receives its `traceparent`.
 */
const CLIENT = {
  client_id: 'app-traced',
  client_secret: 'traced-secret-traced-secret-traced-secret',
  redirect_uris: ['http://localhost:1/api/auth/callback/oidc'],
};

let tracing: InMemoryTracing;
let dataDir: string;
let provider: TestProvider;
let echo: Server;
let echoUrl: string;
const received: (string | undefined)[] = [];

beforeAll(async () => {
  tracing = startInMemoryTracing();
  dataDir = mkdtempSync(join(tmpdir(), 'oidc-tracing-'));
  provider = await startTestProvider({
    dataDir,
    port: 0,
    clients: [CLIENT],
    audience: 'https://api.token-reissue.test',
    accessTokenTtlSeconds: 30,
    refreshTokenTtlSeconds: 3600,
  });
  echo = createServer((req, res) => {
    received.push(String(req.headers.traceparent));
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('{}');
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => echo?.close(resolve));
  await provider?.close();
  await tracing?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const inParent = <T>(work: () => Promise<T>) =>
  trace.getTracer('test').startActiveSpan('parent', async (parent) => {
    try {
      return { result: await work(), parentId: parent.spanContext().spanId };
    } finally {
      parent.end();
    }
  });

describe('the provider calls are client spans', () => {
  it('sends the client span as traceparent and records method, host, port and status', async () => {
    tracing.reset();
    received.length = 0;
    const { parentId } = await inParent(() =>
      tracedFetch()(`${echoUrl}/token?secret=x`, { method: 'POST', body: 'a=b' }),
    );
    const span = tracing.spans().find((s) => s.name === 'POST')!;
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(parentId);
    expect(parentIdOf(received[0])).toBe(span.spanContext().spanId);
    expect(span.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(echoUrl).port),
      'http.response.status_code': 200,
    });
  });

  it('marks a 5xx and a refused connection with error.type', async () => {
    tracing.reset();
    await tracedFetch()(`${echoUrl}/fail`);
    await expect(tracedFetch()('http://127.0.0.1:1/token')).rejects.toThrow();
    const [served, refused] = tracing.spans();
    expect(served!.attributes['error.type']).toBe('500');
    expect(refused!.attributes['error.type']).toBe('TypeError');
  });

  it('a reissue through the oidc adapter shows its refresh_token grant, and no span carries a token', async () => {
    const signedIn = await signInWithCode(
      {
        issuer: provider.issuer,
        clientId: CLIENT.client_id,
        clientSecret: CLIENT.client_secret,
        redirectUri: CLIENT.redirect_uris[0]!,
      },
      'demo@example.com',
    );
    const adapter = createOidcBackend<SessionUser>({
      issuer: provider.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      allowInsecureHttp: true,
      timeoutMs: 5_000,
      user: userFromClaims,
      log: () => {},
    });
    // Discovery is not a provider call of the reissue: done before the spans are read.
    await adapter.reissue('not-a-refresh-token');
    tracing.reset();
    const { result, parentId } = await inParent(() => adapter.reissue(signedIn.refresh_token!));
    if (!result.ok) throw new Error(result.reason);
    const grants = tracing.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(grants).toHaveLength(1);
    expect(grants[0]!.name).toBe('POST');
    expect(grants[0]!.parentSpanContext?.spanId).toBe(parentId);
    expect(grants[0]!.attributes).toMatchObject({
      'server.address': new URL(provider.issuer).hostname,
      'server.port': provider.port,
      'http.response.status_code': 200,
    });
    const values = tracing.spans().flatMap((s) => Object.values(s.attributes).map(String));
    for (const secret of [
      signedIn.refresh_token!,
      result.tokens.refreshToken,
      result.tokens.accessToken,
    ]) {
      expect(values.some((value) => value.includes(secret))).toBe(false);
    }
  });
});
