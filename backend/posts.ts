import { randomUUID } from 'node:crypto';
import type { Db } from './db';

export interface Post {
  id: string;
  title: string;
  body: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface PostStore {
  /** The user's posts, newest first. */
  listFor(userId: string): Post[];
  create(userId: string, input: { title: string; body: string }): Post;
  /** Deletes only the user's own post; false when there is none with that id. */
  deleteOwned(userId: string, postId: string): boolean;
}

export function createPostStore(db: Db): PostStore {
  const list = db.prepare<[string], Post>(
    `SELECT id, title, body, created_at AS createdAt FROM posts
     WHERE user_id = ? ORDER BY created_at DESC, rowid DESC`,
  );
  const insert = db.prepare(
    'INSERT INTO posts (id, user_id, title, body, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const remove = db.prepare('DELETE FROM posts WHERE id = ? AND user_id = ?');

  return {
    listFor: (userId) => list.all(userId),
    create(userId, { title, body }) {
      const post: Post = { id: randomUUID(), title, body, createdAt: Date.now() };
      insert.run(post.id, userId, title, body, post.createdAt);
      return post;
    },
    deleteOwned: (userId, postId) => remove.run(postId, userId).changes === 1,
  };
}
