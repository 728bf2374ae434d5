import { expect, test } from 'vitest';
import { MAX_KEY_ORIGINS } from '../../../shared/workspace.schema.ts';
import { parseOriginList } from './origin-list.ts';

test('one origin per line: blanks skipped, repeats once, a trailing slash dropped', () => {
  expect(
    parseOriginList('https://shop.example\n\n  http://localhost:3000  \nhttps://shop.example/\n'),
  ).toEqual({ origins: ['https://shop.example', 'http://localhost:3000'], problems: [] });
});

test('lines that are not origins are named by number, with the shared schema’s reason', () => {
  const { origins, problems } = parseOriginList(
    'https://ok.example\nshop.example\nhttps://x.example/path\nftp://files.example',
  );
  expect(origins).toEqual(['https://ok.example']);
  expect(problems).toHaveLength(3);
  expect(problems[0]).toMatch(/^Line 2 \(shop\.example\): an origin is scheme:\/\/host/);
  expect(problems[1]).toMatch(/^Line 3 /);
  expect(problems[2]).toMatch(/^Line 4 /);
});

test('none at all, or more than the server keeps, is a problem', () => {
  expect(parseOriginList(' \n ').problems).toEqual([
    'Enter at least one origin, e.g. https://shop.example',
  ]);
  const many = Array.from({ length: MAX_KEY_ORIGINS + 1 }, (_, i) => `https://s${i}.example`);
  expect(parseOriginList(many.join('\n')).problems).toEqual([
    `At most ${MAX_KEY_ORIGINS} origins (there are ${MAX_KEY_ORIGINS + 1})`,
  ]);
});
