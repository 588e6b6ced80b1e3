import { importTs } from './ts-loader.mjs';

export default async function globalSetup(...args) {
  return (await importTs('./global-setup.ts')).default(...args);
}
