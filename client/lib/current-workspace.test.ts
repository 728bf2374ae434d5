import { expect, test } from 'vitest';
import { chooseWorkspace } from './current-workspace.ts';

const first = { id: 'a'.repeat(24) };
const second = { id: 'b'.repeat(24) };

test('the remembered workspace is used only while the person is in it; else their first', () => {
  expect(chooseWorkspace([first, second], second.id)).toBe(second);
  expect(chooseWorkspace([first, second], 'c'.repeat(24))).toBe(first);
  expect(chooseWorkspace([first, second], null)).toBe(first);
  expect(chooseWorkspace([], first.id)).toBeNull();
});
