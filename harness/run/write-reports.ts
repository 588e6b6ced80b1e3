import { writeClaimsReport } from '../engine/report/claims.js';
import { writeHtmlReport } from '../engine/report/html-report.js';
import type { RunConfig } from './config.js';
import { abilitiesOf, type RunHandle } from './run-handle.js';

/**
 * reports/claims.{md,json} and reports/index.html from what the scenarios wrote, for the run's
 * cluster (or why there was none). Global teardown writes them; the report page check writes them
 * first, once the scenarios are done, to open the page in a browser.
 */
export function writeReports(config: Pick<RunConfig, 'repoRoot' | 'reportsDir' | 'provider' | 'scenarios' | 'scenariosDir'>, outcome: RunHandle['outcome'] | undefined): { claims: string; page: string } {
  const cluster = outcome?.ready ? outcome.cluster : undefined;
  const claims = writeClaimsReport(config.repoRoot, config.reportsDir, {
    kubernetesVersion: cluster?.kubernetesVersion ?? 'unknown',
    provider: cluster?.provider ?? config.provider,
    ...(cluster?.runtime ? { runtime: cluster.runtime } : {}),
    ...(cluster?.nodeImage ? { nodeImage: cluster.nodeImage } : {}),
    ...(config.scenarios ? { selected: config.scenarios } : {}),
    scenariosDir: config.scenariosDir,
    ...(cluster ? { cluster: abilitiesOf(cluster) } : {}),
    ...(outcome && !outcome.ready ? { noCluster: outcome.failure.message.split('\n')[0]! } : !outcome ? { noCluster: 'setup did not finish' } : {}),
  });
  return { claims, page: writeHtmlReport(config.reportsDir) };
}
