import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/stack';
import { dumpKeys, spawnRedisTool, startRedis, type RunningRedis } from './redis-server';

/**
 * A real Sentinel group for tests: one primary, one replica and three `redis-sentinel`
 * processes (quorum 2) on free ports. `down-after-milliseconds` is short (1 s by default
 * against Sentinel's 30 s) so a failover happens within a test's bounds. `failover()` kills the
 * primary by PID and resolves once the sentinels announce the promoted replica.
 */
export interface SentinelGroup {
  name: string;
  primary: RunningRedis;
  replica: RunningRedis;
  sentinels: RunningRedis[];
  /** The app's environment: REDIS_SENTINELS and REDIS_SENTINEL_NAME. */
  env: Record<string, string>;
  /** The primary's port as the first sentinel reports it now. */
  primaryPort: () => Promise<number>;
  /** Kills the primary by PID; resolves with the ms until the sentinels named the replica. */
  failover: () => Promise<{ promotedAfterMs: number }>;
  /** Every key and value on the current primary. */
  dump: () => Promise<Record<string, string>>;
  stop: () => Promise<void>;
}

const NAME = 'token-reissue';
const WAIT_MS = 60_000;

async function until<T>(what: string, read: () => Promise<T | undefined>, pollMs = 100) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_MS} ms`);
    await sleep(pollMs);
  }
}

/** One command on a fresh, bounded connection (sentinels and servers alike). */
async function ask(port: number, ...command: string[]): Promise<unknown> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  client.on('error', () => {});
  try {
    return await client.call(command[0]!, ...command.slice(1));
  } finally {
    client.disconnect();
  }
}

function fields(reply: unknown): Record<string, string> {
  const flat = reply as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

export async function startSentinelGroup(
  options: { downAfterMs?: number } = {},
): Promise<SentinelGroup> {
  const downAfterMs = options.downAfterMs ?? 1_000;
  const started: RunningRedis[] = [];
  try {
    const primary = await startRedis();
    started.push(primary);
    const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    started.push(replica);
    await until('the replica linking to the primary', async () =>
      String(await ask(replica.port, 'INFO', 'replication')).includes('master_link_status:up')
        ? true
        : undefined,
    );

    const sentinels: RunningRedis[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'token-reissue-sentinel-'));
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${NAME} ${downAfterMs}`,
          `sentinel failover-timeout ${NAME} 10000`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await spawnRedisTool('redis-sentinel', [conf], port, dir);
      sentinels.push(sentinel);
      started.push(sentinel);
    }
    // A failover needs a quorum that knows the replica: wait until every sentinel sees the
    // two others and the replica (they discover each other through hello messages).
    for (const sentinel of sentinels) {
      await until(`sentinel ${sentinel.port} seeing its peers and the replica`, async () => {
        const master = fields(await ask(sentinel.port, 'SENTINEL', 'MASTER', NAME));
        return master['num-other-sentinels'] === '2' && master['num-slaves'] === '1'
          ? true
          : undefined;
      });
    }

    const primaryPort = async () => {
      const [, port] = (await ask(
        sentinels[0]!.port,
        'SENTINEL',
        'GET-MASTER-ADDR-BY-NAME',
        NAME,
      )) as [string, string];
      return Number(port);
    };
    return {
      name: NAME,
      primary,
      replica,
      sentinels,
      env: {
        REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
        REDIS_SENTINEL_NAME: NAME,
      },
      primaryPort,
      async failover() {
        await primary.kill();
        const killedAt = performance.now();
        await until(
          'the sentinels promoting the replica',
          async () => ((await primaryPort()) === replica.port ? true : undefined),
          50,
        );
        return { promotedAfterMs: performance.now() - killedAt };
      },
      dump: async () => dumpKeys(`redis://127.0.0.1:${await primaryPort()}`),
      stop: async () => {
        await Promise.all(started.map((r) => r.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((r) => r.stop()));
    throw error;
  }
}
