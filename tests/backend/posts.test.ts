import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson, signUp, startServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const listPosts = async (accessToken: string) =>
  (await (await fetch(`${server.url}/posts`, { headers: bearer(accessToken) })).json()).posts;

describe('posts', () => {
  it('creates a post with 201 and returns it with id and createdAt', async () => {
    const { accessToken } = await signUp(server, 'author');

    const response = await postJson(
      `${server.url}/posts`,
      { title: 'Hello', body: 'First post' },
      bearer(accessToken),
    );

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      id: expect.any(String),
      title: 'Hello',
      body: 'First post',
      createdAt: expect.any(Number),
    });
  });

  it('lists only the caller’s posts, newest first', async () => {
    const alice = await signUp(server, 'alice');
    const bob = await signUp(server, 'bob');
    for (const title of ['one', 'two', 'three']) {
      await postJson(`${server.url}/posts`, { title, body: '' }, bearer(alice.accessToken));
    }
    await postJson(`${server.url}/posts`, { title: 'bob’s', body: '' }, bearer(bob.accessToken));

    const posts = await listPosts(alice.accessToken);

    expect(posts.map((post: { title: string }) => post.title)).toEqual(['three', 'two', 'one']);
  });

  it('deletes the caller’s post with 204, after which it is gone from the list', async () => {
    const { accessToken } = await signUp(server, 'deleter');
    const post = await (
      await postJson(`${server.url}/posts`, { title: 'Bye', body: '' }, bearer(accessToken))
    ).json();

    const response = await fetch(`${server.url}/posts/${post.id}`, {
      method: 'DELETE',
      headers: bearer(accessToken),
    });

    expect(response.status).toBe(204);
    expect(await listPosts(accessToken)).toEqual([]);
  });

  it('answers 404 not_found when deleting another user’s post, and leaves it in place', async () => {
    const owner = await signUp(server, 'owner');
    const intruder = await signUp(server, 'intruder');
    const post = await (
      await postJson(`${server.url}/posts`, { title: 'Mine', body: '' }, bearer(owner.accessToken))
    ).json();

    const response = await fetch(`${server.url}/posts/${post.id}`, {
      method: 'DELETE',
      headers: bearer(intruder.accessToken),
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
    expect(await listPosts(owner.accessToken)).toHaveLength(1);
  });

  it('answers 404 not_found when deleting a post that does not exist', async () => {
    const { accessToken } = await signUp(server, 'ghost');

    const response = await fetch(`${server.url}/posts/does-not-exist`, {
      method: 'DELETE',
      headers: bearer(accessToken),
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });

  it('requires a Bearer token for listing, creating and deleting', async () => {
    const list = await fetch(`${server.url}/posts`);
    const create = await postJson(`${server.url}/posts`, { title: 'x', body: '' });
    const remove = await fetch(`${server.url}/posts/anything`, { method: 'DELETE' });

    for (const response of [list, create, remove]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await response.json()).toEqual({ error: 'invalid_token' });
    }
  });
});
