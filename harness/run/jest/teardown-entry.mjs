import { importTs } from './ts-loader.mjs';

export default async function globalTeardown(...args) {
  return (await importTs('./global-teardown.ts')).default(...args);
}
