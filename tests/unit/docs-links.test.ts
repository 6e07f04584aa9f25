/**
 * The README and docs/ are read on GitHub and in a clone: every relative link must land on a
 * file of this repository, never outside it (a sibling folder only one machine has).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

function relativeLinks(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:|^#/i.test(target));
}

it('every relative link in the README and docs/ points at a file inside the repository', () => {
  const broken = pages.flatMap((page) =>
    relativeLinks(page)
      .map((target) => ({
        page,
        target,
        path: resolve(ROOT, dirname(page), target.split('#')[0]!),
      }))
      .filter(({ path }) => relative(ROOT, path).startsWith('..') || !existsSync(path))
      .map(({ page, target }) => `${page}: ${target}`),
  );
  expect(pages).toContain('docs/architecture.md');
  expect(broken).toEqual([]);
});

it('no page mentions a design document outside the repository', () => {
  for (const page of pages) {
    expect(readFileSync(join(ROOT, page), 'utf8'), page).not.toMatch(/DESIGN\.md|\.\.\/shared/);
  }
});
