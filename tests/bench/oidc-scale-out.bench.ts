/**
 * `npm run bench:oidc-scale-out`: what a
 * provider that rotates strictly does to several app processes, with and without a shared Redis.
 * Three `next start` processes (AUTH_BACKEND=oidc) behind one round-robin origin, oidc-provider 8
 * (a replayed rotated refresh token revokes the grant), one session per round, 30 concurrent page
 * loads right after its access token expired. Prints, per setup and round, the refresh_token
 * grants, replays, grants revoked, page answers and logouts. Asserts nothing.
 *
 * Needs a production build (`npm run build`).
 */
import { sessionOf } from '../support/http-session';
import { signInThroughApp } from '../support/oidc-provider/app-sign-in';
import { startOidcStack, type OidcStack } from '../support/oidc-stack';

const LOADS = 30;
const ROUNDS = 3;
const TTL_SECONDS = 20;
const MARGIN_SECONDS = 2;

interface Round {
  ok: number;
  logouts: number;
  fiveXx: number;
  grants: number;
  replays: number;
  revoked: number;
}

async function round(stack: OidcStack, n: number): Promise<Round> {
  const cookie = await signInThroughApp(stack.url, `scale-${n}@example.com`);
  const session = await sessionOf(cookie, stack.secret);
  const due = session.accessTokenExpiresAt - MARGIN_SECONDS * 1000 + 100 - Date.now();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due)));
  const before = await stack.provider.counts();
  const answers = await Promise.all(
    Array.from({ length: LOADS }, async () => {
      const response = await fetch(`${stack.url}/`, {
        redirect: 'manual',
        headers: { cookie, accept: 'text/html' },
        signal: AbortSignal.timeout(120_000),
      }).catch(() => undefined);
      await response?.text();
      return response;
    }),
  );
  const after = await stack.provider.counts();
  return {
    ok: answers.filter((r) => r?.status === 200).length,
    logouts: answers.filter((r) => (r?.headers.get('location') ?? '').includes('/signin')).length,
    fiveXx: answers.filter((r) => !r || r.status >= 500).length,
    grants: after.refreshGrants - before.refreshGrants,
    replays: after.replays - before.replays,
    revoked: after.grantsRevoked - before.grantsRevoked,
  };
}

async function main() {
  const rows: string[] = [];
  for (const redis of [false, true]) {
    const stack = await startOidcStack({
      apps: 3,
      balanced: true,
      redis,
      accessTokenTtlSeconds: TTL_SECONDS,
      appEnv: { SESSION_REFRESH_MARGIN_SECONDS: String(MARGIN_SECONDS) },
    });
    try {
      for (let n = 1; n <= ROUNDS; n++) {
        const r = await round(stack, n);
        rows.push(
          `| ${redis ? 'Redis' : 'no Redis'} | ${n} | ${r.grants} | ${r.replays} | ${r.revoked} | ${r.ok} | ${r.logouts} | ${r.fiveXx} |`,
        );
        console.log(rows.at(-1));
      }
    } finally {
      await stack.stop();
    }
  }
  console.log(
    `\n3 processes × ${LOADS} concurrent page loads right after expiry, strict provider (oidc-provider 8)\n`,
  );
  console.log(
    '| setup | round | refresh_token grants | replays | grants revoked | 200 | sent to sign-in | 5xx |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
