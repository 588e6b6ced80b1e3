import { resolve } from 'node:path';

export function repoRoot(): string {
  return resolve(import.meta.dirname, '..', '..');
}
