import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { importDpopServerKey } from 'token-reissue/server';
import { parseConfig } from '@/lib/config';

/** DPOP_SERVER_KEY: an EC P-256 private key in PEM, validated when the configuration is read. */
const pem = (type: 'pkcs8' | 'sec1' = 'pkcs8') =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type })
    .toString();

describe('DPOP_SERVER_KEY', () => {
  test('a P-256 key in PKCS#8 or SEC1 PEM, or on one line with \\n written out, is accepted', () => {
    for (const key of [pem(), pem('sec1'), pem().replace(/\n/g, '\\n')]) {
      expect(parseConfig({ DPOP_SERVER_KEY: key }).DPOP_SERVER_KEY).toBe(key);
    }
  });

  test('anything else stops the configuration with a message naming the variable', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    for (const key of ['not a key', rsa, p384]) {
      expect(() => parseConfig({ DPOP_SERVER_KEY: key })).toThrow(/DPOP_SERVER_KEY/);
    }
  });

  test("the private key is imported non-extractable; the thumbprint is the public key's", async () => {
    const { keyPair, jkt } = await importDpopServerKey(pem());
    expect(keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', keyPair.privateKey)).rejects.toThrow();
    expect(jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
