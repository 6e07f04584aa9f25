/**
 * A certified OpenID Provider (oidc-provider 8) for tests, on a port of its own, with its issuer
 * under a path as Keycloak's realms are (`http://127.0.0.1:<port>/realms/test`), its state and
 * keys on disk, and two test-only routes beside the issuer (never under it):
 * `GET /test/counts` (what it did, see events.ts) and `POST /test/revoke-account {accountId}`
 * (an administrator revoking every grant and session of a user). In this process for unit
 * tests and benchmarks; `main.ts` runs it as a process of its own for the browser tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { providerConfiguration, type ProviderSettings } from './configuration';
import { countEvents, noteAdminRevocations, readCounts, type ProviderCounts } from './events';
import { adapterFor, openStore, revokeAccount } from './store';

export const ISSUER_PATH = '/realms/test';

export interface TestProviderOptions extends ProviderSettings {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface TestProvider {
  issuer: string;
  /** The provider's origin, where the test-only routes are. */
  origin: string;
  port: number;
  counts(): ProviderCounts;
  close(): Promise<void>;
}

/** Signing key and cookie keys, made once per data directory so a restart keeps them. */
async function keysFor(dataDir: string) {
  const file = join(dataDir, 'keys.json');
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('RS256', {
      modulusLength: 2048,
      extractable: true,
    });
    const jwk = {
      ...(await exportJWK(privateKey)),
      kid: randomBytes(8).toString('hex'),
      use: 'sig',
      alg: 'RS256',
    };
    const cookieKeys = [randomBytes(32).toString('base64url')];
    writeFileSync(file, JSON.stringify({ jwks: { keys: [jwk] }, cookieKeys }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as {
    jwks: { keys: Record<string, unknown>[] };
    cookieKeys: string[];
  };
}

/** The private signing key, so tests can forge tokens that only fail on the claim they change. */
export async function providerSigningKey(dataDir: string): Promise<Record<string, unknown>> {
  return (await keysFor(dataDir)).jwks.keys[0]!;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const host = options.host ?? '127.0.0.1';
  const db = openStore(options.dataDir);
  const keys = await keysFor(options.dataDir);
  const server = createServer();
  const listening = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  const port = await listening;
  const origin = `http://${host}:${port}`;
  const issuer = `${origin}${ISSUER_PATH}`;

  const provider = new Provider(issuer, {
    ...providerConfiguration(options, keys),
    adapter: adapterFor(db),
  });
  countEvents(provider, db);
  const handle = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (
      url === ISSUER_PATH ||
      url.startsWith(`${ISSUER_PATH}/`) ||
      url.startsWith(`${ISSUER_PATH}?`)
    ) {
      // Mounted under the issuer's path: oidc-provider reads the mount point from originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      req.url = url.slice(ISSUER_PATH.length) || '/';
      void handle(req, res);
      return;
    }
    if (req.method === 'GET' && url === '/test/counts') {
      json(res, 200, readCounts(db));
      return;
    }
    if (req.method === 'POST' && url === '/test/revoke-account') {
      void readJson(req).then((body) => {
        const accountId = (body as { accountId?: unknown } | undefined)?.accountId;
        if (typeof accountId !== 'string') return json(res, 400, { error: 'accountId' });
        const grants = revokeAccount(db, accountId);
        noteAdminRevocations(db, grants);
        json(res, 200, { grants });
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });

  return {
    issuer,
    origin,
    port,
    counts: () => readCounts(db),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}
