/**
 * `npm run bench:hot-path`: what the interceptors cost on the hot path (a valid token), with
 * tracing off and on, measured longer than the main benchmark's overhead table: bare axios,
 * this project, and this project with the tab's tracer (the web SDK exporting OTLP/HTTP JSON to a
 * local sink), interleaved, `REPETITIONS` × `REQUESTS` sequential requests each. Prints each
 * client's p50 in microseconds and the ratios; asserts nothing (timings on a shared machine are
 * evidence, not a pass or fail).
 */
import { startApi } from './api';
import { bareAxios, type ClientFactory } from './client';
import { project, projectTraced } from './project-client';
import { overhead } from './scenarios';
import { median } from './stats';
import { startBenchTracing } from './tracing';

const REPETITIONS = 15;
const REQUESTS = 400;

async function main() {
  const tracing = await startBenchTracing();
  const api = await startApi(3_600);
  const clients: [string, ClientFactory][] = [
    ['bare axios', bareAxios],
    ['tracing off', project],
    ['tracing on', projectTraced],
  ];
  const p50s = new Map<string, number[]>(clients.map(([name]) => [name, []]));
  for (const [, factory] of clients) await overhead(api, factory, 100); // warm-up, discarded
  for (let rep = 0; rep < REPETITIONS; rep++) {
    for (let i = 0; i < clients.length; i++) {
      const [name, factory] = clients[(i + rep) % clients.length]!;
      p50s.get(name)!.push((await overhead(api, factory, REQUESTS)).p50 * 1000);
    }
  }
  await api.close();
  await tracing.stop();

  const ratio = (a: string, b: string) =>
    median(p50s.get(a)!.map((value, i) => value / p50s.get(b)![i]!)).toFixed(3);
  console.log(`${REPETITIONS} interleaved repetitions × ${REQUESTS} requests, valid token`);
  for (const [name, values] of p50s) {
    console.log(`  ${name.padEnd(12)} p50 ${median(values).toFixed(1)} µs (median of repetitions)`);
  }
  console.log(`  tracing off / bare axios: ${ratio('tracing off', 'bare axios')}×`);
  console.log(`  tracing on / bare axios:  ${ratio('tracing on', 'bare axios')}×`);
  console.log(`  tracing on / tracing off: ${ratio('tracing on', 'tracing off')}×`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
