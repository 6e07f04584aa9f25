import { sessionUserSchema } from '@/lib/validations/session';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { NotSignedInError } from '@/lib/core/errors';
import { requestReissue } from '@/lib/core/browser/reissue-client';
import type { AuthMachineActor } from '@/lib/core/http/actor-token-source';
import { authMachine } from '@/machines/auth.machine';

// The browser actor is created by lib/browser/actor.ts; here the test hands in its own.
const { getAuthActor } = vi.hoisted(() => ({ getAuthActor: vi.fn<() => AuthMachineActor>() }));
// DPoP stays off here (never configured): these requests carry bearer tokens.
vi.mock('@/lib/browser/actor', async () => ({
  getAuthActor,
  browserDpop: (await import('token-reissue')).createBrowserDpop(),
}));

const { client, clientAuth, clientAuthTraffic, setApiBaseUrl } = await import('@/lib/browser/http');
const actorsResolvedByImport = getAuthActor.mock.calls.length;

const API = 'http://api.test';
const APP = 'http://app.test';
const user = { id: 'u1', email: 'ann@example.com', penName: 'Ann', fieldImage: null };

const seenAuthorization: (string | null)[] = [];
const server = setupServer(
  http.get(`${API}/healthz`, ({ request }) => {
    seenAuthorization.push(request.headers.get('Authorization'));
    return HttpResponse.json({ ok: true });
  }),
  http.get(`${API}/users/me`, ({ request }) => {
    seenAuthorization.push(request.headers.get('Authorization'));
    return HttpResponse.json(user);
  }),
);

let actor: AuthMachineActor;
const events: string[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  seenAuthorization.length = 0;
  events.length = 0;
  actor = createActor(
    authMachine.provide({
      actors: {
        reissue: fromPromise(({ input, signal }) =>
          requestReissue(input, signal, { user: sessionUserSchema, baseUrl: APP }),
        ),
      },
    }),
    {
      inspect: (inspection) => {
        if (inspection.type === '@xstate.event' && !inspection.event.type.startsWith('xstate.')) {
          events.push(inspection.event.type);
        }
      },
    },
  );
  actor.start();
  getAuthActor.mockReturnValue(actor);
  setApiBaseUrl(API);
});
afterEach(() => {
  actor.stop();
  server.resetHandlers();
});
afterAll(() => server.close());

describe('lib/browser/http', () => {
  it('importing the module resolves no actor; that happens at request time', () => {
    expect(actorsResolvedByImport).toBe(0);
  });

  it('client carries no Authorization header and never touches the auth actor', async () => {
    actor.send({
      type: 'SESSION_UPDATE',
      session: { accessToken: 'token-1', accessTokenExpiresAt: Date.now() + 900_000, user },
    });
    events.length = 0;
    getAuthActor.mockClear();

    const response = await client.get('/healthz');

    expect(response.data).toEqual({ ok: true });
    expect(seenAuthorization).toEqual([null]);
    expect(getAuthActor).not.toHaveBeenCalled();
    expect(events).toEqual([]);
  });

  it('clientAuth carries the actor’s token to the URL set at runtime', async () => {
    actor.send({
      type: 'SESSION_UPDATE',
      session: { accessToken: 'token-1', accessTokenExpiresAt: Date.now() + 900_000, user },
    });

    const response = await clientAuth.get('/users/me');

    expect(response.data).toEqual(user);
    expect(seenAuthorization).toEqual(['Bearer token-1']);
    expect(getAuthActor).toHaveBeenCalled();
  });

  it('clientAuth rejects with NotSignedInError when signed out and counts the failure', async () => {
    const failedBefore = clientAuthTraffic.getSnapshot().failed;

    const error = await clientAuth.get('/users/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotSignedInError);
    expect(seenAuthorization).toEqual([]);
    expect(clientAuthTraffic.getSnapshot().failed).toBe(failedBefore + 1);
  });

  it('both instances time out and ask for JSON', () => {
    for (const instance of [client, clientAuth]) {
      expect(instance.defaults.timeout).toBeGreaterThan(0);
      expect(instance.defaults.headers.Accept).toBe('application/json');
    }
  });
});
