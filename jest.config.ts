import type { Config } from 'jest';
import { createDefaultEsmPreset } from 'ts-jest';

// One run = the whole suite: harness unit tests, demo-image contract tests (Docker),
// and every scenario folder against a real cluster brought up in globalSetup.
const config: Config = {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/harness/jest/global-setup.ts',
  globalTeardown: '<rootDir>/harness/jest/global-teardown.ts',
  setupFiles: ['<rootDir>/harness/jest/worker-setup.ts'],
  testTimeout: 15 * 60_000,
  maxConcurrency: 8,
  slowTestThreshold: 60,
  forceExit: true,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'reports', outputName: 'junit.xml', addFileAttribute: 'true', classNameTemplate: '{suitename}', titleTemplate: '{title}' }],
  ],
};
export default config;
