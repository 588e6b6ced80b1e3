// The live progress line of `npm test` on a terminal: Jest's output is passed through line by line,
// and the last line of the terminal shows how far the scenarios are (done / running / waiting, the
// time left), read once a second from the file the scenarios write (PROBE_PROGRESS_FILE,
// harness/run/scenario-progress.ts). In CI (no terminal) none of this runs: the scenarios print a
// [progress] line every 30 s instead.
import { readFileSync, rmSync } from 'node:fs';

/** A progress file older than this is a finished or stopped run's: no live line. */
const STALE_MS = 5000;

/** Lines of `stream`, each given whole to `onLines` (a partial last line waits for its end). */
function byLines(stream, onLines) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    if (parts.length > 0) onLines(`${parts.join('\n')}\n`);
  });
  stream.on('end', () => {
    if (rest) onLines(`${rest}\n`);
    rest = '';
  });
}

/** Reads the line the scenarios wrote, or '' when there is none yet or it is stale. */
export function readLiveLine(file, now = Date.now()) {
  try {
    const { line, at } = JSON.parse(readFileSync(file, 'utf8'));
    return typeof line === 'string' && typeof at === 'number' && now - at < STALE_MS ? line : '';
  } catch {
    return '';
  }
}

/** Passes the child's piped stdout/stderr through and keeps the live line below them until it exits. */
export function showLiveLine(child, file, term = process.stderr) {
  let live = '';
  const width = () => Math.max(20, (term.columns || 120) - 1);
  const clear = () => live && term.write('\r\x1b[K');
  const draw = () => live && term.write(live.length > width() ? `${live.slice(0, width() - 1)}…` : live);
  const pass = (target) => (text) => {
    clear();
    target.write(text);
    draw();
  };
  byLines(child.stdout, pass(process.stdout));
  byLines(child.stderr, pass(process.stderr));
  const timer = setInterval(() => {
    const next = readLiveLine(file);
    if (next === live) return;
    clear();
    live = next;
    draw();
  }, 1000);
  child.on('exit', () => {
    clearInterval(timer);
    clear();
    live = '';
    rmSync(file, { force: true });
    rmSync(`${file}.tmp`, { force: true });
  });
}
