// Jest loads globalSetup/globalTeardown with Node's own module loader, where the `.js` import
// specifiers of our TypeScript sources (NodeNext style) do not resolve to `.ts` files. These
// entry points register ts-node's ESM hooks once (transpile only: `npm run typecheck` checks
// types) and import the TypeScript module through them. See docs/decisions.md.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

export async function importTs(relativePath) {
  if (!globalThis.__probeTsLoader) {
    process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';
    register('ts-node/esm', pathToFileURL(`${import.meta.dirname}/`));
    globalThis.__probeTsLoader = true;
  }
  return import(new URL(relativePath, import.meta.url).href);
}
