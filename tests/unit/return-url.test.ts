import { describe, expect, test } from 'vitest';
import { MAX_RETURN_URL_LENGTH, safeReturnUrl } from '@/lib/auth/return-url';

const APP = 'https://app.example';

/** Whatever the function answers must stay on the app when a browser resolves it. */
function resolvesOnApp(answer: string): boolean {
  return new URL(answer, APP).origin === APP && !answer.startsWith('//');
}

describe('kept: same-origin paths, normalised as a browser would', () => {
  test.each([
    ['/', '/'],
    ['/posts', '/posts'],
    ['/posts?x=1&y=2#top', '/posts?x=1&y=2#top'],
    ['/debug', '/debug'],
    ['/a/../debug', '/debug'],
    ['/a/./b', '/a/b'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/café', '/caf%C3%A9'],
    ['/search?q=<script>', '/search?q=%3Cscript%3E'],
    ['/a b', '/a%20b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/%5Cevil.example', '/%5Cevil.example'],
    ['/@evil.example', '/@evil.example'],
  ])('%j → %j', (input, expected) => {
    expect(safeReturnUrl(input, APP)).toBe(expected);
  });
});

const HOSTILE: [string, unknown][] = [
  // Another origin, spelled every way browsers accept.
  ['absolute https', 'https://evil.example/'],
  ['absolute http', 'http://evil.example'],
  ['own origin, absolute', `${APP}/posts`],
  ['scheme-relative', '//evil.example/path'],
  ['scheme-relative, three slashes', '///evil.example'],
  ['backslash after slash', '/\\evil.example'],
  ['two backslashes', '\\\\evil.example'],
  ['backslash then slash', '\\/evil.example'],
  ['slash backslash slash', '/\\/evil.example'],
  ['dot segment to scheme-relative', '/.//evil.example'],
  ['dot-dot segment to scheme-relative', '/x/..//evil.example'],
  ['encoded dot segment to scheme-relative', '/%2e//evil.example'],
  ['userinfo', '//user@evil.example'],
  ['userinfo against own host', `//app.example@evil.example`],
  ['at sign with scheme', `https://app.example@evil.example/`],
  ['IDN host', '//xn--80ak6aa92e.com'],
  ['unicode host', '//аррӏе.com'],
  ['full-width solidus', '／／evil.example'],
  ['ideographic full stop host', '//evil。example'],
  // Control characters the URL parser drops or browsers treat specially.
  ['tab between slashes', '/\t/evil.example'],
  ['CR between slashes', '/\r/evil.example'],
  ['LF between slashes', '/\n/evil.example'],
  ['leading tab', '\t//evil.example'],
  ['leading space', ' //evil.example'],
  ['CRLF header injection', '/posts\r\nSet-Cookie: x=1'],
  ['NUL', '/posts\u0000'],
  ['DEL', '/posts\u007f'],
  ['C1 control', '/posts\u0085'],
  ['escape', '/\u001b[31m'],
  // Schemes.
  ['javascript', 'javascript:alert(1)'],
  ['javascript, mixed case', 'JaVaScRiPt:alert(1)'],
  ['javascript with tab', 'java\tscript:alert(1)'],
  ['data', 'data:text/html,<script>alert(1)</script>'],
  ['vbscript', 'vbscript:msgbox(1)'],
  ['file', 'file:///etc/passwd'],
  ['blob', 'blob:https://evil.example/x'],
  ['mailto', 'mailto:a@evil.example'],
  ['scheme without slashes', 'https:evil.example'],
  ['relative without a slash', 'evil.example'],
  ['query only', '?next=//evil.example'],
  ['hash only', '#x'],
  // Loops back into the sign-in flow.
  ['sign-in page', '/signin'],
  ['sign-in with a nested return URL', '/signin?callbackUrl=//evil.example'],
  ['sign-up page', '/signup'],
  ['next-auth routes', '/api/auth/signout'],
  ['sign-in via dot segments', '/x/../signin'],
  // Not a string, or too much of one.
  ['undefined', undefined],
  ['null', null],
  ['number', 42],
  ['array (repeated query parameter)', ['/a', '/b']],
  ['object', { toString: () => '/' }],
  ['empty', ''],
  ['over-long', `/${'a'.repeat(MAX_RETURN_URL_LENGTH)}`],
];

describe('refused: every hostile value becomes /', () => {
  test.each(HOSTILE)('%s', (_, input) => {
    expect(safeReturnUrl(input, APP)).toBe('/');
  });
});

test('no answer for any table value leaves the app or throws, also with the default origin', () => {
  const inputs = [...HOSTILE.map(([, v]) => v), '/posts', '/a/../b'];
  for (const input of inputs) {
    expect(resolvesOnApp(safeReturnUrl(input, APP))).toBe(true);
    expect(resolvesOnApp(safeReturnUrl(input))).toBe(true);
  }
});

test('answers are valid Location values: printable ASCII only', () => {
  for (const input of ['/café?q=ü', '/a b', '/posts#frag ment']) {
    expect(safeReturnUrl(input, APP)).toMatch(/^[\x21-\x7e]+$/);
  }
});
