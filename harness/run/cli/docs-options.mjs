#!/usr/bin/env node
// `npm run docs:options`: rewrites the options table of docs/options.md from harness/run/options.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { importTs } from '../jest/ts-loader.mjs';

const { withOptionsTable } = await importTs('../options-text.ts');
const file = new URL('../../../docs/options.md', import.meta.url);
writeFileSync(file, withOptionsTable(readFileSync(file, 'utf8')));
