import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { findReportBrowser } from '../cluster/preflight/report-browser.js';

/**
 * Opens reports/index.html in headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser download) and reads what a person sees: the summary counts, the claim rows (also
 * after choosing "outcome: passed" in the filter), and the scenarios' timelines (one opened).
 * Saves a screenshot beside the page. The test compares the result with claims.json.
 */
/** Flags for a closed network (env notes): no background connections, no sandbox as root. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser the preflight found (chromium on PATH). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const found = findReportBrowser(env);
  if (!found) throw new Error("no chromium on PATH to open the report page with: install Debian's chromium (./install.sh does)");
  return found;
}

export interface SeenPage {
  summary: { passed: number; failed: number; notRun: number; scenarios: number };
  rowsShown: number;
  rowsShownWhenPassedOnly: number;
  timelines: number;
  /** Width x height of the first timeline picture once its scenario is opened. */
  firstTimelineBox?: { width: number; height: number };
  screenshot: string;
}

export async function seeReportPage(page: string, executablePath = findChromium()): Promise<SeenPage> {
  const browser = await chromium.launch({ executablePath, args: FLAGS, headless: true });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(pathToFileURL(page).href);
    const number = async (sel: string) => Number(await tab.locator(`${sel} b`).innerText());
    const summary = { passed: await number('.count.passed'), failed: await number('.count.failed'), notRun: await number('.count.notrun'), scenarios: await number('.count:not(.passed):not(.failed):not(.notrun)') };
    const rowsShown = await tab.locator('#claims tbody tr:visible').count();
    await tab.selectOption('#f-outcome', 'passed');
    const rowsShownWhenPassedOnly = await tab.locator('#claims tbody tr:visible').count();
    await tab.selectOption('#f-outcome', '');
    const timelines = await tab.locator('details.scenario').count();
    let firstTimelineBox: SeenPage['firstTimelineBox'];
    if (timelines > 0) {
      const first = tab.locator('details.scenario').first();
      if ((await first.getAttribute('open')) === null) await first.locator('summary').click();
      const box = await first.locator('svg.timeline').boundingBox();
      if (box) firstTimelineBox = { width: Math.round(box.width), height: Math.round(box.height) };
    }
    const screenshot = join(page, '..', 'index.png');
    await tab.screenshot({ path: screenshot, fullPage: false });
    return { summary, rowsShown, rowsShownWhenPassedOnly, timelines, ...(firstTimelineBox ? { firstTimelineBox } : {}), screenshot };
  } finally {
    await browser.close();
  }
}
