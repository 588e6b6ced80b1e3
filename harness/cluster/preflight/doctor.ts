import type { ChosenConfig } from '../registry-choice.js';
import { describeError } from '../../common/errors.js';
import { formatChecks, formatPreflight, runPreflight, type MachineOptions } from './index.js';

/**
 * `npm run doctor` / `npm test -- --doctor`: the preflight alone, no Jest and no cluster. Prints
 * one line per check, then the problems with their fixes; returns the exit code (0: none).
 */
export async function doctor(config: ChosenConfig, write: (text: string) => void = (t) => process.stdout.write(t), machine: MachineOptions = {}): Promise<number> {
  write(`probe-conformance doctor: what the ${config.provider} provider needs on this machine (nothing is changed)\n`);
  try {
    const report = await runPreflight(config, machine);
    write(`${formatChecks(report)}\n\n${formatPreflight(report)}\n`);
    return report.problems.length === 0 ? 0 : 1;
  } catch (err) {
    write(`${describeError(err)}\n`);
    return 1;
  }
}
