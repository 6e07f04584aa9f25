import type { StateValue } from 'xstate';

/** Every active state as a dotted id, parents first: `{ authenticated: 'active' }` → `authenticated`, `authenticated.active`. */
export function activeStateIds(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...(child ? activeStateIds(child, `${prefix}${key}.`) : []),
  ]);
}

/** The innermost active state: `authenticated.active`, `refreshing`. */
export function leafStateId(value: StateValue): string {
  return activeStateIds(value).at(-1) ?? '';
}
