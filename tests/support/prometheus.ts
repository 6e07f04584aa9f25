/**
 * A real Prometheus (Debian's `prometheus` package, which also brings `promtool`) for tests:
 * installed as root when missing (waiting for the dpkg lock, as for Chromium), started on a
 * free port with a generated config and its own data directory, queried through its HTTP API
 * and stopped by PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../scripts/stack';
import { installDebianPackage } from './debian-package';

const BIN = '/usr/bin';

/** The paths of `prometheus` and `promtool`, installing Debian's package when missing. */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const paths = { prometheus: join(BIN, 'prometheus'), promtool: join(BIN, 'promtool') };
  if (!existsSync(paths.prometheus) || !existsSync(paths.promtool)) {
    installDebianPackage('prometheus');
  }
  if (!existsSync(paths.prometheus) || !existsSync(paths.promtool)) {
    throw new Error(
      'Prometheus is needed for the observability test: `sudo apt-get install prometheus` ' +
        '(Debian/Ubuntu), or run the test as root on Debian to have it installed.',
    );
  }
  return paths;
}

/** `promtool <args>`, with `input` on stdin; its exit code and everything it printed. */
export function promtool(args: string[], input?: string): { code: number; output: string } {
  const run = spawnSync(prometheusBinaries().promtool, args, {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

export interface ScrapeJob {
  name: string;
  /** host:port */
  target: string;
  path?: string;
  bearer?: string;
}

export interface RunningPrometheus {
  url: string;
  /** An instant query; each result's labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** The scrape targets' health as Prometheus sees it, by job. */
  targets(): Promise<Record<string, string>>;
  output(): string;
  stop(): Promise<void>;
}

function configFor(jobs: ScrapeJob[], ruleFiles: string[]): string {
  const lines = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'rule_files:'];
  for (const file of ruleFiles) lines.push(`  - ${JSON.stringify(file)}`);
  lines.push('scrape_configs:');
  for (const job of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job.name)}`);
    lines.push(`    metrics_path: ${JSON.stringify(job.path ?? '/metrics')}`);
    if (job.bearer) {
      lines.push('    authorization:', '      type: Bearer');
      lines.push(`      credentials: ${JSON.stringify(job.bearer)}`);
    }
    lines.push('    static_configs:', `      - targets: [${JSON.stringify(job.target)}]`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startPrometheus(
  jobs: ScrapeJob[],
  ruleFiles: string[] = [],
): Promise<RunningPrometheus> {
  const { prometheus } = prometheusBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configFor(jobs, ruleFiles));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheus,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const capture = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-20_000));
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await Promise.race([exited, sleep(2_000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Prometheus exited:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready within 60 s:\n${log}`);
    }
    await sleep(200);
  }

  return {
    url,
    async query(promql) {
      const data = await api<{
        result: { metric: Record<string, string>; value: [number, string] }[];
      }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    async targets() {
      const data = await api<{ activeTargets: { labels: { job: string }; health: string }[] }>(
        '/api/v1/targets',
      );
      return Object.fromEntries(data.activeTargets.map((t) => [t.labels.job, t.health]));
    },
    output: () => log,
    stop,
  };
}
