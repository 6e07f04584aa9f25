/**
 * The brief fixes the top level (app, machines, lib, tests, next.config.mjs, …) and the package's
 * boundary: machines/ and lib/core import nothing of Next, next-auth or the app. These checks
 * run the project's own ESLint configuration on probe sources placed in each folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';
import { authMachine } from '@/machines/auth.machine';
import { ROOT } from '../../scripts/stack';

const eslint = new ESLint({ cwd: ROOT });

async function lintErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.message);
}

test('the statechart is top-level machines/auth.machine.ts, exporting authMachine', () => {
  expect(authMachine.id).toBe('auth');
  expect(existsSync(join(ROOT, 'lib/core/machine'))).toBe(false);
});

test('the Next config is next.config.mjs, and next.config.ts is gone', () => {
  expect(existsSync(join(ROOT, 'next.config.mjs'))).toBe(true);
  expect(existsSync(join(ROOT, 'next.config.ts'))).toBe(false);
});

describe('the package boundary, enforced by lint', { timeout: 60_000 }, () => {
  test('a file in machines/ importing next-auth/react fails lint', async () => {
    const errors = await lintErrors(
      'machines/probe.ts',
      "import { signIn } from 'next-auth/react';\nexport const probe = signIn;\n",
    );
    expect(errors.join('\n')).toMatch(/framework-free/);
  });

  test('a file in machines/ importing axios or lib/ fails lint', async () => {
    expect(
      await lintErrors(
        'machines/probe.ts',
        "import axios from 'axios';\nexport const probe = axios;\n",
      ),
    ).not.toEqual([]);
    expect(
      await lintErrors(
        'machines/probe.ts',
        "import { isAuthRequestError } from '../lib/core/errors';\nexport const probe = isAuthRequestError;\n",
      ),
    ).not.toEqual([]);
  });

  test('a file in lib/core importing next or the app fails lint', async () => {
    expect(
      await lintErrors(
        'lib/core/server/probe.ts',
        "import { cookies } from 'next/headers';\nexport const probe = cookies;\n",
      ),
    ).not.toEqual([]);
    expect(
      await lintErrors(
        'lib/core/server/probe.ts',
        "import { config } from '../../config';\nexport const probe = config;\n",
      ),
    ).not.toEqual([]);
  });

  test('lib/core/next (the ./next entry) may import next and next-auth, still nothing of the app', async () => {
    expect(
      await lintErrors(
        'lib/core/next/probe.ts',
        "import { cookies } from 'next/headers';\nimport { encode } from 'next-auth/jwt';\nexport const probe = [cookies, encode];\n",
      ),
    ).toEqual([]);
    expect(
      await lintErrors(
        'lib/core/next/probe.ts',
        "import { config } from '@/lib/config';\nexport const probe = config;\n",
      ),
    ).not.toEqual([]);
  });

  test('lib/core may import machines/, and the clean probes pass', async () => {
    expect(
      await lintErrors(
        'lib/core/probe.ts',
        "import { authMachine } from '../../machines/auth.machine';\nexport const probe = authMachine;\n",
      ),
    ).toEqual([]);
    expect(
      await lintErrors(
        'machines/probe.ts',
        "import { setup } from 'xstate';\nexport const probe = setup;\n",
      ),
    ).toEqual([]);
  });
});
