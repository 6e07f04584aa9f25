/** A same-site path to return to after sign-in; anything else (absolute, `//host`, junk) is `/`. */
export function safeReturnUrl(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return '/';
  if (value.startsWith('/signin') || value.startsWith('/signup') || value.includes('\\'))
    return '/';
  return value;
}
