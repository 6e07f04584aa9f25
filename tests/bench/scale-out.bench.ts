/**
 * Many app processes and a strict API: N `next start` processes behind one round-robin origin,
 * with and without a shared Redis, each given C concurrent page loads of one session right
 * after its access token expired, then C more after the access token was revoked. Prints
 * rotations, reuse detections, logouts, 5xx and p50/p99 page time per setup. Asserts nothing.
 *
 *   npm run bench:scale-out                 # 3 processes × 50 loads, strict API, ± Redis
 *   npm run bench:scale-out -- --matrix     # also 1 process and an API with a grace window
 *
 * Needs a production build (`npm run build`), which it runs when missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/stack';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import { reissueCounters, sessionOf, signIn } from '../support/http-session';

const LOADS = 50;
const DEMO_EMAIL = 'demo@example.com';
const DEMO_PASSWORD = 'demo-password';
// Long enough that a page slowed down by a busy machine still holds a live token when it calls the API.
const TTL_SECONDS = 20;
const MARGIN_SECONDS = 2;

interface Setup {
  apps: number;
  redis: boolean;
  graceSeconds: number;
}

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

async function measure(setup: Setup) {
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
    const api = setup.graceSeconds ? `grace ${setup.graceSeconds} s` : 'strict';
    console.log(
      `${setup.apps} process(es), ${setup.redis ? 'Redis' : 'no Redis'}, API ${api}, ${LOADS} concurrent loads per round:`,
    );
    console.log(describeRound('after expiry', expiry));
    console.log(describeRound('after revocation', revoked));
    const fallbacks = stack.apps.filter((a) => a.output().includes('Redis unreachable')).length;
    if (setup.redis)
      console.log(`  processes that fell back to in-process coordination: ${fallbacks}`);
  } finally {
    await stack.stop();
  }
}

if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

const setups: Setup[] = process.argv.includes('--matrix')
  ? [1, 3].flatMap((apps) =>
      (apps === 1 ? [false] : [false, true]).flatMap((redis) =>
        [10, 0].map((graceSeconds) => ({ apps, redis, graceSeconds })),
      ),
    )
  : [
      { apps: 3, redis: false, graceSeconds: 0 },
      { apps: 3, redis: true, graceSeconds: 0 },
    ];
async function main() {
  for (const setup of setups) await measure(setup);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
