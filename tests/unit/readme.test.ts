/**
 * The README's first screen is what a newcomer reads before deciding anything: what this is,
 * what it needs, the two commands and the login. Details live in docs/ (linked), so additions
 * land there rather than pushing the commands down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../../scripts/stack';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** About what a laptop shows of a rendered README without scrolling. */
const firstScreen = readme.split('\n').slice(0, 30).join('\n');

const RUN = 'npm install && npm run dev    # the app + the reference API, demo user seeded';
const TEST = 'npm install && npm test       # every test suite, browser tests included';

test('the first screen says what this is, what it needs, the two commands and the login', () => {
  expect(firstScreen).toMatch(/^# Token reissue/);
  expect(firstScreen).toMatch(/reference Next\.js app/);
  for (const need of ['Node 20+', 'Next 16', 'next-auth 4', 'axios']) {
    expect(firstScreen).toContain(need);
  }
  expect(firstScreen).toContain(RUN);
  expect(firstScreen).toContain(TEST);
  expect(firstScreen).toContain('`demo@example.com` / `demo-password`');
});

test('the README holds exactly the two set-up commands', () => {
  const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
  expect(commands).toEqual([RUN, TEST]);
});

test('the .next/dev note sits in Troubleshooting, not in the quick start', () => {
  const troubleshooting = readme.indexOf('\n## Troubleshooting\n');
  expect(troubleshooting).toBeGreaterThan(0);
  expect(readme.indexOf('.next/dev')).toBeGreaterThan(troubleshooting);
  expect(firstScreen).not.toContain('.next/dev');
});
