import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';

export const SIGNING_KEY_FILE = 'signing-key.jwk.json';
export const REFRESH_SECRET_FILE = 'refresh-token-secret';
export const SIGNING_ALGORITHM = 'EdDSA';

export interface ServerKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half as published at /.well-known/jwks.json. */
  publicJwk: JWK;
  /** 32 random bytes; derives refresh-token successors (see refresh-tokens.ts). */
  refreshSecret: Buffer;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Returns the file's content, creating it first if missing. The content is written to a
 * temporary file and hard-linked into place, so two servers starting together on one data
 * directory agree on a single value and never read a half-written file.
 */
async function readOrCreate(file: string, create: () => Promise<string>): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, await create(), { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(temporary);
  }
  return readFile(file, 'utf8');
}

async function createSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return JSON.stringify({ ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }, null, 2);
}

/** Reads the Ed25519 signing key from a data directory (tests use it to forge claims). */
export async function readSigningKey(
  dataDir: string,
): Promise<{ kid: string; privateKey: CryptoKey }> {
  const jwk = JSON.parse(await readFile(path.join(dataDir, SIGNING_KEY_FILE), 'utf8')) as JWK;
  const privateKey = (await importJWK(jwk, SIGNING_ALGORITHM)) as CryptoKey;
  return { kid: jwk.kid ?? '', privateKey };
}

/** Loads the server's keys from the data directory, generating them on first start. */
export async function ensureKeys(dataDir: string): Promise<ServerKeys> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const privateJwk = JSON.parse(
    await readOrCreate(path.join(dataDir, SIGNING_KEY_FILE), createSigningJwk),
  ) as JWK;
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey;
  const publicKey = (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey;

  const secret = await readOrCreate(path.join(dataDir, REFRESH_SECRET_FILE), async () =>
    randomBytes(32).toString('base64url'),
  );

  return {
    kid: privateJwk.kid ?? '',
    privateKey,
    publicKey,
    publicJwk,
    refreshSecret: Buffer.from(secret.trim(), 'base64url'),
  };
}
