import type { ProviderName } from '../../run/config.js';
import { found, missing, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { installFix } from './install-hint.js';

/**
 * The browser the run opens its report page with (reports/index.html, headless): `chromium` on
 * PATH (Debian's package). Every provider needs it; checked before the cluster.
 */
export function findReportBrowser(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findExecutable('chromium', env.PATH ?? '');
}

export function checkReportBrowser(provider: ProviderName, env: NodeJS.ProcessEnv = process.env): CheckResult {
  const at = findReportBrowser(env);
  if (at) return found('chromium', at);
  return missing('chromium', 'not on PATH (apt package chromium)', {
    what: 'no Chromium to open the report page (reports/index.html) with',
    fix: installFix(provider, ['chromium']),
  });
}
