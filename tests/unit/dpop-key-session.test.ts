import { createActor } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import {
  browserDpopKeyStore,
  createAuthMachine,
  createBrowserDpop,
  tieKeyToSession,
  type DpopKeyStore,
} from 'token-reissue';
import { alice, session } from '../machine/fixtures';

/**
 * The browser's DPoP key follows the session: this tab signing out, or the session ending,
 * deletes it; a sign-out heard from another tab only forgets the cached key (that tab deleted it
 * and may already have made a new one); nothing happens while DPoP is off.
 */
function world({ dpopOn = true } = {}) {
  const calls: string[] = [];
  const keys: DpopKeyStore = {
    get: async () => {
      throw new Error('not used');
    },
    remove: async () => void calls.push('remove'),
    forget: () => void calls.push('forget'),
  };
  const dpop = createBrowserDpop(keys);
  if (dpopOn) dpop.configure('https://api.test/auth/reissue');
  const machine = createAuthMachine().provide({
    actions: { persistSession: () => {}, signOut: () => {} },
  });
  const actor = createActor(machine).start();
  tieKeyToSession(actor, dpop);
  actor.send({ type: 'SESSION_UPDATE', session: session('token-1', Date.now() + 60_000) });
  return { actor, calls };
}

describe('the DPoP key and the session', () => {
  it('signing out in this tab deletes the key', () => {
    const { actor, calls } = world();
    actor.send({ type: 'SIGN_OUT' });
    expect(calls).toEqual(['remove']);
  });

  it('a sign-out heard from another tab forgets the cached key only', () => {
    const { actor, calls } = world();
    actor.send({ type: 'SESSION_UPDATE', session: null, fromOtherTab: true });
    expect(actor.getSnapshot().context.signedOutElsewhere).toBe(true);
    expect(calls).toEqual(['forget']);
  });

  it('nothing while DPoP is off, and nothing for a new session of the same user', () => {
    const off = world({ dpopOn: false });
    off.actor.send({ type: 'SIGN_OUT' });
    expect(off.calls).toEqual([]);
    const on = world();
    on.actor.send({
      type: 'SESSION_UPDATE',
      session: session('token-2', Date.now() + 120_000, alice),
    });
    expect(on.calls).toEqual([]);
  });
});

describe('without IndexedDB', () => {
  it('the tab signs with a non-extractable key of its own, kept for the tab', async () => {
    expect(typeof indexedDB).toBe('undefined');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const keys = browserDpopKeyStore();
    const key = await keys.get();
    expect(key.privateKey.extractable).toBe(false);
    expect(await keys.get()).toBe(key);
    expect(warn).toHaveBeenCalledTimes(1);
    await keys.remove();
    expect(await keys.get()).not.toBe(key);
    warn.mockRestore();
  });
});
