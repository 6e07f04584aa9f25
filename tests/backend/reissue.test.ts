import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '@/backend/db';
import { bearer, countRows, reissue, signUp, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ REUSE_GRACE_SECONDS: 10 });
});
afterAll(async () => {
  await server.close();
});

describe('POST /auth/reissue', () => {
  it('rotates a current refresh token: a different successor, a fresh access token, the same family expiry', async () => {
    const login = await signUp(server, 'rotate');

    const response = await reissue(server, login.refreshToken);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const rotated = await response.json();
    expect(rotated.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    expect(rotated.accessToken).not.toBe(login.accessToken);
    expect(rotated.refreshTokenExpiresAt).toBe(login.refreshTokenExpiresAt);
    expect(rotated.user).toEqual(login.user);
    const me = await fetch(`${server.url}/users/me`, { headers: bearer(rotated.accessToken) });
    expect(me.status).toBe(200);
  });

  it('keeps rotating along the chain while each newest token is used once', async () => {
    const login = await signUp(server, 'chain');

    const tokens = [login.refreshToken];
    for (let i = 0; i < 5; i += 1) {
      const response = await reissue(server, tokens.at(-1)!);
      expect(response.status).toBe(200);
      tokens.push((await response.json()).refreshToken);
    }

    expect(new Set(tokens).size).toBe(6);
  });

  it('continues the family when the previous token is replayed inside the grace window: same successor, newest still works', async () => {
    const login = await signUp(server, 'grace');
    const first = await (await reissue(server, login.refreshToken)).json();

    const replay = await reissue(server, login.refreshToken);

    expect(replay.status).toBe(200);
    const replayed = await replay.json();
    expect(replayed.refreshToken).toBe(first.refreshToken);
    expect(replayed.accessToken).not.toBe(first.accessToken);
    expect(replayed.refreshTokenExpiresAt).toBe(first.refreshTokenExpiresAt);
    const next = await reissue(server, first.refreshToken);
    expect(next.status).toBe(200);
    expect((await next.json()).refreshToken).not.toBe(first.refreshToken);
  });

  it('revokes the family when a token older than the immediate parent is replayed, even inside the window', async () => {
    const login = await signUp(server, 'older');
    const second = await (await reissue(server, login.refreshToken)).json();
    const third = await (await reissue(server, second.refreshToken)).json();

    const replay = await reissue(server, login.refreshToken);

    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: 'invalid_grant' });
    const newest = await reissue(server, third.refreshToken);
    expect(newest.status).toBe(401);
    expect(await newest.json()).toEqual({ error: 'invalid_grant' });
  });

  it('revokes the family when the immediate parent is replayed after its successor was itself rotated', async () => {
    const login = await signUp(server, 'parent-after-child');
    const second = await (await reissue(server, login.refreshToken)).json();
    const third = await (await reissue(server, second.refreshToken)).json();

    const replay = await reissue(server, second.refreshToken);

    expect(replay.status).toBe(200);
    expect((await replay.json()).refreshToken).toBe(third.refreshToken);
    const replayOfOlder = await reissue(server, login.refreshToken);
    expect(replayOfOlder.status).toBe(401);
    expect((await reissue(server, third.refreshToken)).status).toBe(401);
  });

  it('hands the same successor to 10 concurrent reissues of one token instead of forking the family', async () => {
    const login = await signUp(server, 'concurrent');
    const tokensBefore = countRows(server, 'refresh_tokens');

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => reissue(server, login.refreshToken)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    const successors = new Set(bodies.map((body) => body.refreshToken));
    expect(successors.size).toBe(1);
    expect(successors.has(login.refreshToken)).toBe(false);
    expect(countRows(server, 'refresh_tokens')).toBe(tokensBefore + 1);
    const next = await reissue(server, bodies[0].refreshToken);
    expect(next.status).toBe(200);
  });

  it('answers 401 invalid_grant for a token it never issued', async () => {
    const response = await reissue(server, 'A'.repeat(43));

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_grant' });
  });

  it('never stores a refresh token in plaintext', async () => {
    const login = await signUp(server, 'hashed');
    const rotated = await (await reissue(server, login.refreshToken)).json();

    const db = new Database(path.join(server.dataDir, DATABASE_FILE), { readonly: true });
    const hashes = db.prepare('SELECT token_hash, parent_hash FROM refresh_tokens').all() as {
      token_hash: string;
      parent_hash: string | null;
    }[];
    db.close();

    const stored = hashes.flatMap((row) => [row.token_hash, row.parent_hash]);
    expect(stored).not.toContain(login.refreshToken);
    expect(stored).not.toContain(rotated.refreshToken);
    expect(hashes.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });
});
