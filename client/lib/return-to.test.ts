import { expect, test } from 'vitest';
import { isPublicPath, readSignInFragment, safeReturnPath, signInHref } from './return-to.ts';

const ORIGIN = 'https://switchboard.example';

test('a return path stays on this site and never loops back to sign-in', () => {
  expect(safeReturnPath('/agents/0123456789abcdef01234567?tab=json', ORIGIN)).toBe(
    '/agents/0123456789abcdef01234567?tab=json',
  );
  expect(safeReturnPath('/accept-invitation#sb_inv_abc', ORIGIN)).toBe(
    '/accept-invitation#sb_inv_abc',
  );
  for (const hostile of [
    '//evil.example/agents',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'agents',
    '',
    null,
    undefined,
    '/sign-in',
  ]) {
    expect(safeReturnPath(hostile, ORIGIN)).toBe('/agents');
  }
});

test('the sign-in link carries where to return and the e-mail in its fragment, and reads back', () => {
  const href = signInHref('/accept-invitation#sb_inv_abc', 'ada@example.com');
  expect(href.startsWith('/sign-in#')).toBe(true);
  expect(href).not.toContain('?');
  const hash = href.slice(href.indexOf('#'));
  expect(readSignInFragment(hash, ORIGIN)).toEqual({
    returnTo: '/accept-invitation#sb_inv_abc',
    email: 'ada@example.com',
  });
  expect(signInHref('/agents')).toBe('/sign-in');
  expect(readSignInFragment('', ORIGIN)).toEqual({ returnTo: '/agents', email: '' });
  expect(readSignInFragment('#next=%2F%2Fevil.example', ORIGIN).returnTo).toBe('/agents');
});

test('the signed-out pages are public', () => {
  expect(isPublicPath('/sign-in')).toBe(true);
  expect(isPublicPath('/setup/')).toBe(true);
  expect(isPublicPath('/accept-invitation')).toBe(true);
  expect(isPublicPath('/agents')).toBe(false);
  expect(isPublicPath('/settings/members')).toBe(false);
});
