/**
 * A fault-injecting HTTP proxy for tests: it sits between the Next server (its `BACKEND_URL`)
 * and the API, and makes one path prefix misbehave the way real networks do — an answer that
 * never comes, comes late, is garbled, or is lost after the API already committed the change.
 * Plain `node:http`, no external service, so every test can start its own on a free port.
 *
 *   const proxy = await startFaultProxy({ target: api.url });
 *   proxy.setFault({ path: '/auth/reissue', mode: 'resetAfterCommit', durationMs: 5_000 });
 *   // … point the app at proxy.url, act, assert …
 *   await proxy.stop();
 */
import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What happens to a request whose path starts with the rule's `path`. */
export type FaultRule = {
  /** Path prefix, e.g. `/auth/reissue`; `/` matches every request. */
  path: string;
  /** The rule clears itself this long after `setFault` (back to passing everything). */
  durationMs?: number;
  /** The rule clears itself once it has applied to this many requests (a fault that happens once). */
  times?: number;
} & (
  | {
      /**
       * `pass`: forward untouched. `drop`: hold the connection open and never answer (nothing
       * reaches the API). `garbage`: forward, then answer 200 with a malformed JSON body.
       * `resetAfterCommit`: forward, wait for the API's full answer, then destroy the client's
       * socket — the API committed, the caller sees a network error.
       */
      mode: 'pass' | 'drop' | 'garbage' | 'resetAfterCommit';
    }
  | {
      /** `delay`: wait `ms` before forwarding. `late`: forward at once, hold the answer `ms`. */
      mode: 'delay' | 'late';
      ms: number;
    }
  | {
      /** Answer `status` (e.g. 503) without forwarding; `body` defaults to a small JSON error. */
      mode: 'status';
      status: number;
      body?: string;
      /** Answer only after this long, as a gateway that gave up on a slow upstream does. */
      ms?: number;
    }
);

export type FaultMode = FaultRule['mode'];

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The mode applied (`pass` when no rule matched). */
  mode: FaultMode;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The status the API answered, when the request was forwarded and the API answered. */
  upstreamStatus?: number;
  /** Epoch ms when the exchange ended: answered, or the connection closed (a held one too). */
  endedAt?: number;
}

export interface FaultProxyStats {
  /** Requests received, in order of arrival. */
  requests: ProxiedRequest[];
  /** Requests per applied mode. */
  byMode: Record<FaultMode, number>;
}

export interface FaultProxy {
  /** Base URL to use instead of the API's, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Replaces the active rule; `null` passes everything again. */
  setFault(rule: FaultRule | null): void;
  /** A copy of what the proxy has seen so far. */
  stats(): FaultProxyStats;
  /** Closes the listener and every open connection, held ones included. */
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080`. */
  target: string;
  port?: number;
  host?: string;
}

// Headers that describe one hop; the body is re-sent whole with its own length.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
];

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export async function startFaultProxy({
  target,
  port = 0,
  host = '127.0.0.1',
}: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: FaultRule | null = null;
  let applied = 0;
  let clearTimer: NodeJS.Timeout | undefined;
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const send = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Upstream>((resolve, reject) => {
      const outgoing = forward(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...endToEnd(headers), host: upstream.host, 'content-length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const active = rule && path.startsWith(rule.path) ? rule : null;
    if (active?.times !== undefined && ++applied >= active.times) rule = null;
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path,
      mode: active?.mode ?? 'pass',
      at: Date.now(),
    };
    requests.push(entry);
    res.on('close', () => {
      entry.endedAt = Date.now();
    });

    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const reply = (answer: Upstream) => {
          if (res.destroyed) return;
          res.writeHead(answer.status, {
            ...endToEnd(answer.headers),
            'content-length': answer.body.length,
          });
          res.end(answer.body);
        };
        const relay = async () => {
          const answer = await send(entry.method, path, req.headers, body);
          entry.upstreamStatus = answer.status;
          return answer;
        };

        switch (active?.mode ?? 'pass') {
          case 'pass':
            return reply(await relay());
          case 'drop':
            return; // the socket stays open until the caller gives up or the proxy stops
          case 'delay':
            await wait((active as { ms: number }).ms);
            return reply(await relay());
          case 'late': {
            const answer = await relay();
            await wait((active as { ms: number }).ms);
            return reply(answer);
          }
          case 'status': {
            const {
              status,
              body: text,
              ms,
            } = active as { status: number; body?: string; ms?: number };
            if (ms) await wait(ms);
            const payload = Buffer.from(text ?? JSON.stringify({ error: 'fault_injected' }));
            return reply({
              status,
              headers: { 'content-type': 'application/json' },
              body: payload,
            });
          }
          case 'garbage': {
            await relay();
            const payload = Buffer.from('{"accessToken": "trunc');
            return reply({
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: payload,
            });
          }
          case 'resetAfterCommit':
            await relay();
            req.socket.destroy();
            return;
        }
      })().catch(() => {
        // The API is unreachable: answer as a gateway would.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'bad_gateway' }));
        }
      });
    });
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${host}:${address.port}`,

    setFault(next) {
      clearTimeout(clearTimer);
      rule = next;
      applied = 0;
      if (next?.durationMs !== undefined) {
        clearTimer = setTimeout(() => {
          if (rule === next) rule = null;
        }, next.durationMs);
      }
    },

    stats() {
      const byMode: Record<FaultMode, number> = {
        pass: 0,
        drop: 0,
        delay: 0,
        late: 0,
        status: 0,
        garbage: 0,
        resetAfterCommit: 0,
      };
      for (const r of requests) byMode[r.mode] += 1;
      return { requests: requests.map((r) => ({ ...r })), byMode };
    },

    async stop() {
      clearTimeout(clearTimer);
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
