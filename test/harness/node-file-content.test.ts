import { expect, test } from '@jest/globals';
import { shownContent } from '../../harness/engine/steps/node-file.js';

test('a node file in a failure: whole up to 1000 characters, else its start and its end', () => {
  expect(shownContent('a\nb\n')).toBe('a\nb\n');
  const long = `${'x'.repeat(600)}${'y'.repeat(600)}`;
  const shown = shownContent(long);
  expect(shown.startsWith('x'.repeat(300))).toBe(true);
  expect(shown.endsWith('y'.repeat(600))).toBe(true);
  expect(shown).toContain(' … (200 characters left out) … ');
});
