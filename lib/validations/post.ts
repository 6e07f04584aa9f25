// zod/mini: this module ships to the browser (the live post list), where every kilobyte counts.
import * as z from 'zod/mini';

export const postSchema = z.object({
  id: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
  title: z.string(),
  body: z.string(),
  createdAt: z.union([z.number(), z.string()]),
});
export type Post = z.infer<typeof postSchema>;

export const postListSchema = z.object({ posts: z.array(postSchema) });

export const newPostSchema = z.object({
  title: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'Give your post a title'),
      z.maxLength(120, 'Use at most 120 characters'),
    ),
  body: z.string().check(z.maxLength(5000, 'Use at most 5000 characters')),
});
export type NewPost = z.infer<typeof newPostSchema>;
