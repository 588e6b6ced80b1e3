// Ctrl-C at any point of a run leaves nothing behind (issue 13): each test starts a real
// `npm test` of one short scenario in a process group of its own, sends SIGINT to the whole group
// (what a terminal's Ctrl-C does) when the run's output reaches a phase, waits for it to end, and
// then lists what the local cluster could have left on this machine (localHostTraces): it must be
// nothing. Root and the local provider; minutes, not run by `npm test` (npm run test:interrupts).
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeOutDir } from '../../harness/cluster/local/binaries.js';
import { localHostTraces } from '../../harness/cluster/local/host-traces.js';
import { makePlan } from '../../harness/cluster/local/plan.js';
import { resolveRelease } from '../../harness/cluster/releases.js';
import { readConfig, repoRoot } from '../../harness/run/config.js';

const CLI = join(repoRoot(), 'harness', 'run', 'cli', 'test-command.mjs');
const SCENARIO = 'A000-2a';
const reports = mkdtempSync(join(tmpdir(), 'pc-interrupts-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { ...process.env, PROBE_REPORTS_DIR: reports, CI: '1' };
delete env.TS_NODE_TRANSPILE_ONLY;
const config = readConfig(env);
const plan = makePlan(config);

interface Run {
  child: ChildProcess;
  output: string[];
  exited: Promise<number>;
  waitFor(marker: RegExp, timeoutMs: number): Promise<void>;
}

function startRun(...extra: string[]): Run {
  const child = spawn(process.execPath, [CLI, '--scenarios', SCENARIO, '--selectProjects', 'scenarios', ...extra], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const waiters: { marker: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      output.push(line);
      for (const w of waiters.filter((x) => x.marker.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return {
    child,
    output,
    exited,
    waitFor: (marker, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (output.some((l) => marker.test(l))) return resolve();
        const timer = setTimeout(() => reject(new Error(`no line matching ${marker} within ${timeoutMs / 1000} s; last lines:\n${output.slice(-15).join('\n')}`)), timeoutMs);
        waiters.push({ marker, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then(() => reject(new Error(`the run ended before a line matching ${marker}; last lines:\n${output.slice(-15).join('\n')}`)));
      }),
  };
}

/** Ctrl-C as a terminal sends it: SIGINT to every process of the run's group. */
function ctrlC(run: Run): void {
  process.kill(-run.child.pid!, 'SIGINT');
}

async function endsWithin(run: Run, ms: number): Promise<number> {
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the run did not end within ${ms / 1000} s of Ctrl-C; last lines:\n${run.output.slice(-20).join('\n')}`)), ms).unref());
  return Promise.race([run.exited, timer]);
}

/** Processes of a Go build of the kube module (its module folder in their command line). */
function goBuildsRunning(): string[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return /\bgo (build|list)\b|\/compile |\/link /.test(cmd) && cmd.includes('kube') ? [`${pid}: ${cmd.slice(0, 120)}`] : [];
      } catch {
        return [];
      }
    });
}

async function interruptAt(marker: RegExp, timeoutMs = 180_000): Promise<{ code: number; traces: string[]; output: string[] }> {
  const run = startRun();
  await run.waitFor(marker, timeoutMs);
  ctrlC(run);
  const code = await endsWithin(run, 120_000);
  return { code, traces: await localHostTraces(plan, config.stateDir), output: run.output };
}

describe('Ctrl-C leaves nothing on the machine (local provider)', () => {
  it('nothing is left before the tests start (else the tests would blame the wrong run)', async () => {
    expect(await localHostTraces(plan, config.stateDir)).toEqual([]);
  });

  it('while building Kubernetes (kube relinks: its build marker removed)', async () => {
    rmSync(join(kubeOutDir(config.cacheDir, resolveRelease(config.repoRoot, config.kubernetes)), '.built'), { force: true });
    const r = await interruptAt(/building kube/);
    expect(r.code).not.toBe(0);
    expect(goBuildsRunning()).toEqual([]);
    expect(r.traces).toEqual([]);
  }, 400_000);

  it('while starting the daemons', async () => {
    const r = await interruptAt(/\[setup\] starting kubelet/);
    expect(r.code).not.toBe(0);
    expect(r.traces).toEqual([]);
  }, 400_000);

  it('during a scenario', async () => {
    const r = await interruptAt(/step 2\/\d+/);
    expect(r.code).not.toBe(0);
    expect(r.traces).toEqual([]);
  }, 400_000);

  it('during the teardown (the teardown still finishes)', async () => {
    const r = await interruptAt(/\[teardown\] stopping kubelet/);
    expect(r.traces).toEqual([]);
  }, 400_000);

  it('after --keep-cluster, the next run cleans the kept cluster and the dockerd the keeping run started', async () => {
    const keep = startRun('--keep-cluster');
    expect(await endsWithin(keep, 300_000)).toBe(0);
    const kept = await localHostTraces(plan, config.stateDir);
    expect(kept.some((t) => t.startsWith('processes using'))).toBe(true);
    const next = startRun();
    expect(await endsWithin(next, 300_000)).toBe(0);
    expect(await localHostTraces(plan, config.stateDir)).toEqual([]);
  }, 700_000);
});
