import type { Config } from 'jest';
import { createDefaultEsmPreset } from 'ts-jest';

// `npm test` runs three projects (interrupts and faults only when selected): the harness's own unit tests, the demo images' contract tests
// (Docker, no cluster), and every scenario folder against a real cluster. The cluster is brought
// up in the scenarios project's global setup, which Jest runs only when a scenario is selected
// (e.g. `npm test -- --selectProjects unit` needs no cluster).
const esm = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });
const common = {
  ...esm,
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/harness/run/jest/worker-setup.ts'],
};

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/harness'], testMatch: ['**/*.test.ts'] },
    // The teardown also runs when only the image tests are selected: it stops a dockerd they started.
    { ...common, displayName: 'images', roots: ['<rootDir>/test/images'], testMatch: ['**/*.test.ts'], globalTeardown: '<rootDir>/harness/run/jest/teardown-entry.mjs' },
    {
      ...common,
      displayName: 'scenarios',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/scenarios.test.ts'],
      globalSetup: '<rootDir>/harness/run/jest/setup-entry.mjs',
      globalTeardown: '<rootDir>/harness/run/jest/teardown-entry.mjs',
    },
    // Opt-in (npm run test:interrupts; test-command.mjs leaves it out unless --selectProjects names it):
    // real runs of npm test interrupted with Ctrl-C, each with a cluster of its own.
    { ...common, displayName: 'interrupts', roots: ['<rootDir>/test/interrupts'], testMatch: ['**/*.test.ts'] },
    // Opt-in too (npm run test:faults): a real run of the fault fixtures (API server and kubelet restarts, a missing image).
    { ...common, displayName: 'faults', roots: ['<rootDir>/test/faults'], testMatch: ['**/*.test.ts'] },
  ],
  testTimeout: 15 * 60_000,
  // --concurrency (checked by npm test; the default is DEFAULT_CONCURRENCY of harness/run/concurrency.ts, a unit test keeps them equal).
  maxConcurrency: Number(process.env.PROBE_CONCURRENCY?.trim() || 8),
  slowTestThreshold: 60,
  verbose: true,
  forceExit: true,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: process.env.PROBE_REPORTS_DIR?.trim() || 'reports', outputName: 'junit.xml', addFileAttribute: 'true', reportTestSuiteErrors: 'true', classNameTemplate: '{displayName} {classname}', titleTemplate: '{title}' }],
  ],
};
export default config;
