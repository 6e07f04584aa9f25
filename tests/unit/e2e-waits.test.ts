/**
 * Keeps the browser tests honest about time: on a loaded machine a 1 s poll fails a correct
 * app. Every poll goes through `eventually` (tests/e2e/waits.ts), and no wait is shorter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WAIT_MS } from '../e2e/waits';

const dir = fileURLToPath(new URL('../e2e/', import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.ts') && name !== 'waits.ts')
  .map((name) => ({ name, text: readFileSync(`${dir}${name}`, 'utf8') }));

describe('browser test waits', () => {
  it('no browser test calls expect.poll directly (its default timeout is 1 s)', () => {
    const direct = files.filter(({ text }) => /expect\s*\.\s*poll\s*\(/.test(text));
    expect(direct.map(({ name }) => name)).toEqual([]);
  });

  it('no wait in a browser test is given a timeout shorter than WAIT_MS', () => {
    const short = files.flatMap(({ name, text }) =>
      [...text.matchAll(/timeout:\s*([\d_]+)/g)]
        .map((match) => Number(match[1]!.replaceAll('_', '')))
        .filter((ms) => ms < WAIT_MS)
        .map((ms) => `${name}: ${ms} ms`),
    );
    expect(short).toEqual([]);
  });

  it('every browser test that polls imports the shared helper', () => {
    const polling = files.filter(({ text }) => /\beventually\(/.test(text));
    expect(polling.length).toBeGreaterThan(0);
    for (const { name, text } of polling) expect(text, name).toContain("from './waits'");
  });
});
