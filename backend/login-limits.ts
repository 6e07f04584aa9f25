import { LRUCache } from 'lru-cache';
import type { BackendConfig } from './config';
import { ApiError } from './errors';
import { createCounterStore, type CounterStore, type Hit } from './rate-limit-store';

/**
 * The sign-in and sign-up rate-limit policy (docs/security.md explains it):
 * - per address: every login attempt counts, so one address cannot flood or spray emails;
 * - per address and account: every attempt counts, so one address guesses one password slowly;
 * - per account: only failures count, from any address, against a higher limit, so guessing
 *   spread over many addresses is capped too. When it trips, an address that signed in to the
 *   account successfully before still may, so the owner is not locked out by the attack;
 * - sign-up: per address, since each call costs a password hash.
 * The address is Fastify's `request.ip`, which reads X-Forwarded-For only from TRUSTED_PROXIES.
 */
export interface LoginLimits {
  /** Throws a 429 ApiError when this attempt may not be tried. */
  checkLogin(address: string, email: string): void;
  recordFailure(address: string, email: string): void;
  recordSuccess(address: string, email: string): void;
  checkSignup(address: string): void;
}

const MINUTE = 60_000;
const ACCOUNT_WINDOW_MS = 15 * MINUTE;
const KNOWN_ADDRESS_TTL_MS = 30 * 24 * 60 * MINUTE;

function tooMany(hit: Hit, what: string): ApiError {
  const seconds = Math.max(1, Math.ceil(hit.retryAfterMs / 1000));
  return new ApiError(
    429,
    'too_many_requests',
    `Too many ${what}. Try again in ${seconds} seconds.`,
    { 'retry-after': String(seconds) },
  );
}

export function normaliseEmail(email: unknown): string {
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

export function createLoginLimits(
  config: BackendConfig,
  now: () => number = Date.now,
): LoginLimits {
  const capacity = config.rateLimitCapacity;
  const loginWindowMs = config.loginRateLimitWindowSeconds * 1000;
  const perAddress: CounterStore = createCounterStore({
    max: config.loginRateLimitPerAddressPerMinute,
    windowMs: loginWindowMs,
    capacity,
    now,
  });
  const perAddressAndAccount = createCounterStore({
    max: config.loginRateLimitPerMinute,
    windowMs: loginWindowMs,
    capacity,
    now,
  });
  const accountFailures = createCounterStore({
    max: config.loginFailuresPerAccountPer15Minutes,
    windowMs: ACCOUNT_WINDOW_MS,
    capacity,
    now,
  });
  const signups = createCounterStore({
    max: config.signupRateLimitPerMinute,
    windowMs: MINUTE,
    capacity,
    now,
  });
  // Addresses that signed in to an account: bounded, and losing one only means that owner is
  // treated like any other address while their account is under attack.
  const knownAddresses = new LRUCache<string, true>({ max: capacity, ttl: KNOWN_ADDRESS_TTL_MS });
  const pair = (address: string, email: string) => `${address}|${email}`;

  return {
    checkLogin(address, email) {
      const byAddress = perAddress.hit(address);
      if (byAddress.limited) throw tooMany(byAddress, 'sign-in attempts from this address');
      const byPair = perAddressAndAccount.hit(pair(address, email));
      if (byPair.limited) throw tooMany(byPair, 'sign-in attempts');
      const byAccount = accountFailures.peek(email);
      if (byAccount.count >= config.loginFailuresPerAccountPer15Minutes) {
        if (!knownAddresses.has(pair(address, email))) {
          throw tooMany(byAccount, 'failed sign-ins for this account');
        }
      }
    },
    recordFailure(_address, email) {
      if (email) accountFailures.hit(email);
    },
    recordSuccess(address, email) {
      knownAddresses.set(pair(address, email), true);
    },
    checkSignup(address) {
      const hit = signups.hit(address);
      if (hit.limited) throw tooMany(hit, 'sign-ups from this address');
    },
  };
}
