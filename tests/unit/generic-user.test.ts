import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createActor, fromPromise } from 'xstate';
import { afterAll, beforeAll, expect, expectTypeOf, test } from 'vitest';
import {
  actorTokenSource,
  attachAuthInterceptors,
  createApiInstance,
  createAuthMachine,
  type ClientSession,
  type ReissueInput,
  type ReissueResult,
} from '@/lib/core';

// The core is generic over the user: an app whose user has a handle and roles, and no pen name
// or image, gets the machine and the interceptors typed for its own user. `npm run typecheck`
// checks the type assertions; vitest runs the same code.
interface Member {
  id: string;
  handle: string;
  roles: string[];
}
const ada: Member = { id: 'm1', handle: 'ada', roles: ['admin'] };
const API = 'http://api.example.test';
const server = setupServer(
  http.get(`${API}/me`, ({ request }) =>
    request.headers.get('authorization') === 'Bearer fresh'
      ? HttpResponse.json({ handle: 'ada' })
      : HttpResponse.json({ error: 'expired' }, { status: 401 }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

test('the machine and the interceptors compile and run with a different user type', async () => {
  const machine = createAuthMachine<Member>().provide({
    actors: {
      reissue: fromPromise<ReissueResult<Member>, ReissueInput>(async () => ({
        accessToken: 'fresh',
        accessTokenExpiresAt: Date.now() + 60_000,
        user: ada,
        ticket: null,
      })),
    },
  });
  const actor = createActor(machine).start();
  const session: ClientSession<Member> = {
    accessToken: 'stale',
    accessTokenExpiresAt: Date.now() + 60_000,
    user: ada,
  };
  actor.send({ type: 'SESSION_UPDATE', session });
  expectTypeOf(actor.getSnapshot().context.user).toEqualTypeOf<Member | null>();
  expect(actor.getSnapshot().context.user?.roles).toEqual(['admin']);

  const wrongUser = { id: 'x', penName: 'Someone', fieldImage: null };
  // @ts-expect-error a session whose user is not a Member does not type-check
  const _refused: ClientSession<Member> = { ...session, user: wrongUser };

  const instance = createApiInstance({ baseURL: API });
  attachAuthInterceptors(instance, actorTokenSource(actor));
  const { data } = await instance.get('/me');
  expect(data).toEqual({ handle: 'ada' });
  expect(actor.getSnapshot().context.accessToken).toBe('fresh');
  actor.stop();
});

test('nothing in lib/core knows the demo user fields', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  const offenders = files(join(process.cwd(), 'lib/core')).filter((file) =>
    /penName|fieldImage/.test(readFileSync(file, 'utf8')),
  );
  expect(offenders).toEqual([]);
});
