/**
 * Many app processes and a strict API: N `next start` processes behind one round-robin origin,
 * without Redis and sharing one (a standalone server, a Sentinel group, a 3-primary Cluster),
 * each given C concurrent page loads of one session right after its access token expired,
 * then C more after the access token was revoked. Prints rotations, reuse detections, logouts,
 * 5xx and p50/p99 page time per setup, then one table with a column per setup. Asserts nothing.
 *
 *   npm run bench:scale-out                 # 3 processes × 50 loads, strict API: no Redis,
 *                                           # standalone, Sentinel, Cluster
 *   npm run bench:scale-out -- --matrix     # also 1 process and an API with a grace window
 *
 * Needs a production build (`npm run build`), which it runs when missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/stack';
import {
  startScaleOutStack,
  type RedisTopologyName,
  type ScaleOutStack,
} from '../support/scale-out';
import { reissueCounters, sessionOf, signIn } from '../support/http-session';

const LOADS = 50;
const DEMO_EMAIL = 'demo@example.com';
const DEMO_PASSWORD = 'demo-password';
// Long enough that a page slowed down by a busy machine still holds a live token when it calls the API.
const TTL_SECONDS = 20;
const MARGIN_SECONDS = 2;

interface Setup {
  apps: number;
  redis: RedisTopologyName | undefined;
  graceSeconds: number;
}

const REDIS_NAMES: Record<RedisTopologyName | 'none', string> = {
  none: 'no Redis',
  standalone: 'Redis standalone',
  sentinel: 'Redis Sentinel',
  cluster: 'Redis Cluster',
};

interface Round {
  ok: number;
  logouts: number;
  fiveXx: number;
  apiReissues: number;
  rotations: number;
  reuse: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function round(stack: ScaleOutStack, revoke: boolean): Promise<Round> {
  const cookie = await signIn(stack.origin.url, DEMO_EMAIL, DEMO_PASSWORD);
  const session = await sessionOf(cookie, stack.secret);
  if (revoke) {
    await fetch(`${stack.api.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
  } else {
    const due = session.accessTokenExpiresAt - MARGIN_SECONDS * 1000 + 100 - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due)));
  }
  const before = await reissueCounters(stack.api.url);
  const timed = await Promise.all(
    Array.from({ length: LOADS }, async () => {
      const started = performance.now();
      const response = await fetch(`${stack.origin.url}/`, {
        redirect: 'manual',
        headers: { cookie, accept: 'text/html' },
        signal: AbortSignal.timeout(120_000),
      }).catch(() => undefined);
      await response?.text();
      return { status: response?.status ?? 0, ms: performance.now() - started, response };
    }),
  );
  const after = await reissueCounters(stack.api.url);
  const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  const times = timed.map((t) => t.ms).sort((a, b) => a - b);
  const toSignIn = (t: (typeof timed)[number]) =>
    (t.response?.headers.get('location') ?? '').includes('/signin');
  return {
    ok: timed.filter((t) => t.status === 200).length,
    logouts: timed.filter(toSignIn).length,
    fiveXx: timed.filter((t) => t.status >= 500 || t.status === 0).length,
    apiReissues: delta('rotated') + delta('grace') + delta('reuse_detected') + delta('invalid'),
    rotations: delta('rotated'),
    reuse: delta('reuse_detected'),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  };
}

function describeRound(name: string, r: Round): string {
  return (
    `  ${name.padEnd(16)} ${r.ok}×200, ${r.logouts} to sign-in, ${r.fiveXx}×5xx | API reissue calls ` +
    `${r.apiReissues}, rotations ${r.rotations}, reuse detections ${r.reuse} | p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`
  );
}

/** A column's name: the Redis, and what differs from 3 processes against a strict API. */
function columnName(setup: Setup): string {
  const extras = [
    setup.apps === 3 ? '' : `${setup.apps} process`,
    setup.graceSeconds ? `grace ${setup.graceSeconds} s` : '',
  ].filter(Boolean);
  return [REDIS_NAMES[setup.redis ?? 'none'], ...extras].join(', ');
}

function setupName(setup: Setup): string {
  const api = setup.graceSeconds ? `grace ${setup.graceSeconds} s` : 'strict';
  return `${setup.apps} process(es), ${REDIS_NAMES[setup.redis ?? 'none']}, API ${api}`;
}

async function measure(setup: Setup): Promise<[Round, Round]> {
  const stack = await startScaleOutStack({
    apps: setup.apps,
    redis: setup.redis,
    apiEnv: {
      ACCESS_TOKEN_TTL: String(TTL_SECONDS),
      REUSE_GRACE_SECONDS: String(setup.graceSeconds),
    },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: String(MARGIN_SECONDS) },
  });
  try {
    // One warm-up load per process, so first-request compilation is not measured.
    const warm = await signIn(stack.origin.url, DEMO_EMAIL, DEMO_PASSWORD);
    for (let i = 0; i < setup.apps; i++) {
      await (await fetch(`${stack.origin.url}/`, { headers: { cookie: warm } })).text();
    }
    const expiry = await round(stack, false);
    const revoked = await round(stack, true);
    console.log(`${setupName(setup)}, ${LOADS} concurrent loads per round:`);
    console.log(describeRound('after expiry', expiry));
    console.log(describeRound('after revocation', revoked));
    const fallbacks = stack.apps.filter((a) =>
      a.output().includes('[auth] Redis unreachable ('),
    ).length;
    if (setup.redis) console.log(`  processes that lost Redis during the run: ${fallbacks}`);
    return [expiry, revoked];
  } finally {
    await stack.stop();
  }
}

/** One Markdown table: a row per measure and round, a column per setup. */
function table(columns: { name: string; rounds: [Round, Round] }[]): string {
  const rows: [string, (r: Round) => string][] = [
    ['rotations', (r) => String(r.rotations)],
    ['reuse detections', (r) => String(r.reuse)],
    ['logouts (to sign-in)', (r) => String(r.logouts)],
    ['5xx', (r) => String(r.fiveXx)],
    ['API reissue calls', (r) => String(r.apiReissues)],
    ['page p50 / p99 (ms)', (r) => `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)}`],
  ];
  const lines = [
    `| ${['', ...columns.map((c) => c.name)].join(' | ')} |`,
    `| ${['---', ...columns.map(() => '---')].join(' | ')} |`,
  ];
  for (const [index, round] of ['after expiry', 'after revocation'].entries()) {
    for (const [label, cell] of rows) {
      const cells = columns.map((c) => cell(c.rounds[index as 0 | 1]));
      lines.push(`| ${[`${round}: ${label}`, ...cells].join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

const TOPOLOGIES: (RedisTopologyName | undefined)[] = [
  undefined,
  'standalone',
  'sentinel',
  'cluster',
];
const setups: Setup[] = process.argv.includes('--matrix')
  ? [
      { apps: 1, redis: undefined, graceSeconds: 10 },
      { apps: 1, redis: undefined, graceSeconds: 0 },
      ...[10, 0].flatMap((graceSeconds) =>
        TOPOLOGIES.map((redis) => ({ apps: 3, redis, graceSeconds })),
      ),
    ]
  : TOPOLOGIES.map((redis) => ({ apps: 3, redis, graceSeconds: 0 }));

async function main() {
  const columns: { name: string; rounds: [Round, Round] }[] = [];
  for (const setup of setups) {
    columns.push({ name: columnName(setup), rounds: await measure(setup) });
  }
  console.log(`\n3 processes × ${LOADS} loads, strict API, unless a column says otherwise:`);
  console.log(table(columns));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
