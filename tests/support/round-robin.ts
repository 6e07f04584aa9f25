import { createServer, request, type Server } from 'node:http';
import { freePort } from '../../scripts/stack';

/**
 * A tiny load balancer for tests: one origin on a free port, each request passed to the next
 * of `targets` in turn, headers (cookies included) and bodies streamed both ways untouched,
 * so tabs and page loads land on different app processes as they would in production.
 */
export interface Balancer {
  url: string;
  /** Requests sent to each target so far, by index. */
  counts: number[];
  stop: () => Promise<void>;
}

/** `targets` is read on every request, so callers may fill it in after the origin listens. */
export async function startRoundRobin(targets: string[]): Promise<Balancer> {
  const counts: number[] = targets.map(() => 0);
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    if (targets.length === 0) {
      outgoing.writeHead(503).end();
      return;
    }
    const index = next++ % targets.length;
    counts[index] = (counts[index] ?? 0) + 1;
    const target = new URL(targets[index]!);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
