import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/**
 * What the browser tests of the /finance/ page share: Debian's chromium (never a downloaded browser),
 * the two screen sizes, axe-core's check (injected with page.evaluate, so the page's CSP stays on), the
 * sideways-scroll check and screenshots in test-output/.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = join(__dirname, '..', '..', 'test-output');
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Browser globals used inside page.evaluate callbacks (this project compiles without the DOM library).
declare const document: any;
declare const window: any;

/** Starts chromium; fails (never skips) when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei (npm test's prepare-test step does)`);
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectNoSeriousAxeViolations(p: Page, view: string): Promise<void> {
  await p.evaluate(AXE);
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${view}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

/** No sideways scroll: the document is no wider than the viewport. */
export async function expectNoSidewaysScroll(p: Page, width: number): Promise<void> {
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** A full-page screenshot, test-output/finance-<name>.png. */
export const screenshot = (p: Page, name: string) => p.screenshot({ path: join(OUTPUT, `finance-${name}.png`), fullPage: true });
