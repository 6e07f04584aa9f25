/**
 * The TCP peer of each request, which a Next route handler cannot see: Next hands it only the
 * headers, and it fills `X-Forwarded-For` from the socket only when the request brought none,
 * so that header alone is whatever the client wrote. `stampPeerAddresses()` (called once, from
 * instrumentation.ts, before the first request) makes every incoming request carry the socket's
 * address in a header of its own, overwriting anything the client sent there and prefixed with
 * a secret made per process: a header that does not carry the secret (the stamp is not
 * installed, or a client guessed the name) is ignored.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const PEER_HEADER = 'x-token-reissue-peer';
const SECRET = Symbol.for('token-reissue.peer-stamp');

type Holder = typeof globalThis & { [SECRET]?: string };

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

export async function stampPeerAddresses(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder[SECRET]) return;
  const secret = randomBytes(16).toString('hex');
  const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  for (const server of [http.Server.prototype, https.Server.prototype] as { emit: Emit }[]) {
    const emit = server.emit;
    server.emit = function (this: unknown, event, ...args) {
      if (event === 'request') {
        const req = args[0] as IncomingMessage;
        req.headers[PEER_HEADER] = `${secret} ${req.socket.remoteAddress ?? ''}`;
      }
      return emit.call(this, event, ...args);
    };
  }
  holder[SECRET] = secret;
}

/**
 * The address of the socket this request arrived on, if the stamp is installed. Takes a route's
 * `Headers` or the plain header record next-auth hands `authorize()`.
 */
export function requestPeer(headers: Headers | Record<string, unknown>): string | undefined {
  const secret = (globalThis as Holder)[SECRET];
  const value = headers instanceof Headers ? headers.get(PEER_HEADER) : headers[PEER_HEADER];
  if (typeof value !== 'string') return undefined;
  if (!secret || !value.startsWith(`${secret} `)) return undefined;
  const address = value.slice(secret.length + 1);
  return isIP(address) ? address : undefined;
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}
