import 'server-only';
import { serverAuth, serverFetch } from '@/lib/server/http';
import { postListSchema, postSchema, type NewPost, type Post } from '@/lib/validations/post';

/**
 * The signed-in user's posts, newest first, fetched on the Next server with the session's token.
 * Server Components read with `fetch` (`serverFetch`), server actions write with axios
 * (`serverAuth`): both reissue through the same single flight.
 */
export async function listPosts(): Promise<Post[]> {
  const response = await serverFetch('/posts', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /posts answered HTTP ${response.status}`);
  return postListSchema.parse(await response.json()).posts;
}

export async function createPost(input: NewPost): Promise<Post> {
  const { data } = await serverAuth.post('/posts', input);
  return postSchema.parse(data);
}

export async function deletePost(id: string): Promise<void> {
  await serverAuth.delete(`/posts/${encodeURIComponent(id)}`);
}
