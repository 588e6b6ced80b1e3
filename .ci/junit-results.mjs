// Reads reports/junit.xml (jest-junit) into test results, and decides which failures CI may run
// once more: failed scenarios only, never unit tests, image tests, mutations, invalid scenario
// files or the cluster setup. Plain JavaScript: .ci/run calls it with no TypeScript loader.
import { existsSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

const asArray = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every <testcase> as { project, name, status: passed|failed|skipped, firstError }. */
export function readJunit(file) {
  if (!existsSync(file)) return undefined;
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: 'text', parseTagValue: false, processEntities: true });
  const xml = parser.parse(readFileSync(file, 'utf8'));
  const tests = [];
  for (const suite of asArray(xml.testsuites?.testsuite)) {
    for (const tc of asArray(suite.testcase)) {
      const failure = asArray(tc.failure)[0] ?? asArray(tc.error)[0];
      const text = typeof failure === 'string' ? failure : (failure?.text ?? failure?.message ?? '');
      tests.push({
        // classNameTemplate is '{displayName} {classname}': the project comes first.
        project: String(tc.classname ?? '').split(' ')[0],
        name: String(tc.name ?? ''),
        status: failure !== undefined ? 'failed' : tc.skipped !== undefined ? 'skipped' : 'passed',
        firstError: String(text).split('\n').map((l) => l.trim()).find(Boolean) ?? '',
      });
    }
  }
  return tests;
}

/** The scenario ID of a scenario test's name ("A000-1-...: title [claims]"). */
export const scenarioId = (name) => name.split(':')[0];

/** Whether a failed test may be rerun once: a scenario as written (not its mutation, not a setup or file error). */
export function isRerunnable(test) {
  return (
    test.project === 'scenarios' &&
    /^[^:\s]+: /.test(test.name) &&
    !test.name.includes('[mutation:') &&
    !test.name.startsWith('cluster setup') &&
    !test.name.endsWith('(invalid scenario file)')
  );
}

/** Jest's -t pattern for exactly this scenario test ("scenarios" is its describe block). */
export function exactTestPattern(name) {
  return `^scenarios ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/**
 * What to rerun: every failed scenario, unless something that cannot be rerun failed too (CI
 * fails anyway) or more failed than a flake explains (`limit`).
 */
export function planReruns(tests, limit = 5) {
  const failed = tests.filter((t) => t.status === 'failed');
  const rerun = failed.filter(isRerunnable);
  const others = failed.filter((t) => !isRerunnable(t));
  if (others.length) return { rerun: [], reason: `not rerunning failed scenarios: ${others.length} other test(s) failed, which are never rerun` };
  if (rerun.length > limit) return { rerun: [], reason: `not rerunning: ${rerun.length} scenarios failed, more than a flake explains (limit ${limit})` };
  return { rerun, reason: '' };
}

/** The final counts, with scenarios that passed on their rerun counted as passed. */
export function summarize(tests, flakyNames) {
  const flaky = new Set(flakyNames);
  const failed = tests.filter((t) => t.status === 'failed' && !flaky.has(t.name));
  const skipped = tests.filter((t) => t.status === 'skipped');
  return { passed: tests.length - failed.length - skipped.length, failed, skipped: skipped.length };
}
