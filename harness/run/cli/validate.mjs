#!/usr/bin/env node
// `npm run validate`: checks every scenario folder without Docker or a cluster (see harness/engine/scenario/validate.ts).
import { importTs } from '../jest/ts-loader.mjs';

const { validateScenarios } = await importTs('../../engine/scenario/validate.ts');
const { repoRoot } = await importTs('../config.ts');
process.exit(validateScenarios(repoRoot()));
