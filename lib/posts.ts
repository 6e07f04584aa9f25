import 'server-only';
import { serverAuth } from '@/lib/http/server';
import { postListSchema, postSchema, type NewPost, type Post } from '@/lib/validations/post';

/** The signed-in user's posts, newest first, fetched on the Next server with the session's token. */
export async function listPosts(): Promise<Post[]> {
  const { data } = await serverAuth.get('/posts');
  return postListSchema.parse(data).posts;
}

export async function createPost(input: NewPost): Promise<Post> {
  const { data } = await serverAuth.post('/posts', input);
  return postSchema.parse(data);
}

export async function deletePost(id: string): Promise<void> {
  await serverAuth.delete(`/posts/${encodeURIComponent(id)}`);
}
