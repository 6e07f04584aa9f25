/**
 * `npm run bench:oidc`: what the oidc adapter and the coordinator cost on top of the refresh
 * itself. One refresh_token grant at a time against the same strict provider (oidc-provider 8 in
 * a process of its own, every refresh rotating), each contender following its own chain of
 * refresh tokens:
 * - bare openid-client: `refreshTokenGrant` and nothing else;
 * - the adapter: `createOidcBackend(…).reissue` (ID token claims mapped and validated, the pair);
 * - the adapter through the server reissuer and the in-process coordinator (the app's path);
 * - the same with the Redis coordinator in front (lock, sealed outcome), when redis-server exists.
 * Interleaved (each round runs every contender once, in a rotating order), after a warm-up.
 * Prints p50 and p99 per contender and the difference to bare; asserts nothing.
 *
 *   npm run bench:oidc              # 300 refreshes per contender
 *   npm run bench:oidc -- --n 1000
 */
import * as client from 'openid-client';
import {
  connectRedis,
  createInProcessCoordinator,
  createOidcBackend,
  createRedisCoordinator,
  createRedisLink,
  createServerReissuer,
  type ReissueCall,
  type ReissueOutcome,
} from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { tokenPairSchema } from '@/lib/validations/auth';
import { userFromClaims } from '@/lib/validations/oidc';
import { signInWithCode } from '../support/oidc-provider/code-flow';
import { startOidcProvider } from '../support/oidc-provider/process';
import { findRedisServer, startRedis, type RunningRedis } from '../support/redis-server';
import { percentile } from './stats';

const nAt = process.argv.indexOf('--n');
const N = nAt >= 0 ? Number(process.argv[nAt + 1]) : 300;
const WARM_UP = 20;
const CLIENT = {
  client_id: 'bench',
  client_secret: 'bench-secret-bench-secret-bench-secret',
  redirect_uris: ['http://localhost:1/api/auth/callback/oidc'],
};

/** One refresh with the current token of this contender's chain; returns the next token. */
type Refresh = (refreshToken: string) => Promise<string>;

function unwrap(outcome: ReissueOutcome<SessionUser>): string {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.reason}`);
  return outcome.tokens.refreshToken;
}

function hasRedis(): boolean {
  try {
    return Boolean(findRedisServer());
  } catch {
    return false;
  }
}

async function main() {
  const provider = await startOidcProvider({
    clients: [CLIENT],
    audience: 'https://api.token-reissue.test',
    accessTokenTtlSeconds: 300,
    refreshTokenTtlSeconds: 24 * 3600,
  });
  let redis: RunningRedis | undefined;
  const disconnect: (() => void)[] = [];
  try {
    const adapter = () =>
      createOidcBackend<SessionUser>({
        issuer: provider.issuer,
        clientId: CLIENT.client_id,
        clientSecret: CLIENT.client_secret,
        allowInsecureHttp: true,
        timeoutMs: 10_000,
        user: userFromClaims,
      });
    const inProcess = (call: ReissueCall<SessionUser>) =>
      createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000 });

    const config = await client.discovery(
      new URL(provider.issuer),
      CLIENT.client_id,
      undefined,
      client.ClientSecretBasic(CLIENT.client_secret),
      { execute: [client.allowInsecureRequests] },
    );
    const bare: Refresh = async (token) => {
      const answer = await client.refreshTokenGrant(config, token);
      return answer.refresh_token!;
    };
    const backend = adapter();
    const viaAdapter: Refresh = async (token) => unwrap(await backend.reissue(token));
    const reissuer = createServerReissuer<SessionUser>({
      backend: adapter(),
      coordinator: inProcess,
    });
    const viaCoordinator: Refresh = async (token) => unwrap(await reissuer.reissue(token));

    const contenders: [string, Refresh][] = [
      ['bare openid-client refreshTokenGrant', bare],
      ['oidc adapter (reissue)', viaAdapter],
      ['adapter + reissuer + in-process coordinator', viaCoordinator],
    ];
    if (hasRedis()) {
      redis = await startRedis();
      const connection = connectRedis({ kind: 'standalone', url: redis.url });
      disconnect.push(() => connection.disconnect());
      const link = createRedisLink({ connection, duringOutage: 'the bench stops' });
      const viaRedis = createServerReissuer<SessionUser>({
        backend: adapter(),
        coordinator: (call) => {
          const shared = createRedisCoordinator<SessionUser>({
            link,
            reissue: call,
            outageWaitMs: 10_000,
            secret: 'a bench secret of at least thirty-two characters',
            tokenPairSchema,
            outcomeTtlMs: 60_000,
            callBudgetMs: 25_000,
          });
          return inProcess((token) => shared.reissue(token));
        },
      });
      contenders.push([
        'adapter + reissuer + Redis coordinator',
        async (token) => unwrap(await viaRedis.reissue(token)),
      ]);
    }

    const chains = new Map<string, string>();
    for (const [name] of contenders) {
      chains.set(
        name,
        (
          await signInWithCode(
            {
              issuer: provider.issuer,
              clientId: CLIENT.client_id,
              clientSecret: CLIENT.client_secret,
              redirectUri: CLIENT.redirect_uris[0]!,
            },
            `bench-${chains.size}@example.com`,
          )
        ).refresh_token!,
      );
    }
    const times = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
    const before = await provider.counts();
    for (let round = 0; round < WARM_UP + N; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const [name, refresh] = contenders[(round + i) % contenders.length]!;
        const started = performance.now();
        chains.set(name, await refresh(chains.get(name)!));
        if (round >= WARM_UP) times.get(name)!.push(performance.now() - started);
      }
    }
    const after = await provider.counts();

    const bareP50 = percentile(times.get(contenders[0]![0])!, 50);
    const bareP99 = percentile(times.get(contenders[0]![0])!, 99);
    console.log(
      `\n${N} refreshes per contender (after ${WARM_UP} warm-up), interleaved; provider: oidc-provider 8, rotation on every refresh, its own process; Node ${process.version}\n`,
    );
    console.log('| contender | p50 ms | p99 ms | p50 − bare | p99 − bare |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name] of contenders) {
      const values = times.get(name)!;
      const p50 = percentile(values, 50);
      const p99 = percentile(values, 99);
      const diff = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
      console.log(
        `| ${name} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${diff(p50 - bareP50)} | ${diff(p99 - bareP99)} |`,
      );
    }
    console.log(
      `\nprovider: ${after.refreshGrants - before.refreshGrants} refresh_token grants, ${after.grantsRevoked - before.grantsRevoked} grants revoked, ${after.replays - before.replays} replays`,
    );
  } finally {
    for (const close of disconnect) close();
    await redis?.stop();
    await provider.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
