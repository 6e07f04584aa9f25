import { z } from 'zod';

export const postSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  title: z.string(),
  body: z.string(),
  createdAt: z.union([z.number(), z.string()]),
});
export type Post = z.infer<typeof postSchema>;

export const postListSchema = z.object({ posts: z.array(postSchema) });

export const newPostSchema = z.object({
  title: z.string().trim().min(1, 'Give your post a title').max(120, 'Use at most 120 characters'),
  body: z.string().max(5000, 'Use at most 5000 characters'),
});
export type NewPost = z.infer<typeof newPostSchema>;
