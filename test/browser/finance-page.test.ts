import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { AuditLog, Claim } from '../../src/entities';
import { buildWorld, FINANCE_CONFIG, TOKENS } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';

/**
 * The /finance/ page in a real browser: Debian's chromium driven by playwright-core (no downloaded
 * browser). `npm test` installs chromium and a CJK font first when they are missing (scripts/prepare-test.js);
 * without them this test fails, it never skips.
 */
const CHROMIUM = '/usr/bin/chromium';

// Browser globals used inside page.evaluate callbacks (this project compiles without the DOM library).
declare const document: { querySelector(s: string): { textContent: string | null; getAttribute(n: string): string | null } | null; querySelectorAll(s: string): { length: number } };
declare const sessionStorage: { length: number };
declare function getComputedStyle(el: unknown): { textAlign: string };
const OUTPUT = join(__dirname, '..', '..', 'test-output');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

describe('the /finance/ page in chromium', () => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei (npm test's prepare-test step does)`);
    mkdirSync(OUTPUT, { recursive: true });
    svc = await startTestService(TEST_DATABASES[0] ?? 'sqlite', FINANCE_CONFIG);
    ids = await buildWorld(svc);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !/401 \(Unauthorized\)/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(svc.baseUrl) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`outside request: ${r.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('serves the page with a CSP that forbids inline script, nosniff and no framing', async () => {
    const res = (await page.goto(`${svc.baseUrl}/finance/`))!;
    expect(res.status()).toBe(200);
    const headers = res.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });

  it('renders the page\'s Chinese with real glyphs, not the boxes of a missing font', async () => {
    // Two different characters drawn in the page's own font: a missing CJK font draws both as the same box.
    const drawn = await page.evaluate(`(() => {
      const font = getComputedStyle(document.querySelector('h1')).font;
      const draw = (ch) => {
        const canvas = document.createElement('canvas');
        canvas.width = 64; canvas.height = 64;
        const ctx = canvas.getContext('2d');
        ctx.font = font.replace(/\\d+px/, '48px');
        ctx.fillText(ch, 4, 52);
        return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',');
      };
      return { zhong: draw('中'), wen: draw('文'), blank: draw(' ') };
    })()`) as { zhong: string; wen: string; blank: string };
    expect(drawn.zhong).not.toBe(drawn.blank);
    expect(drawn.zhong).not.toBe(drawn.wen);
  });

  it('refuses a wrong token, then signs in and lists the judgments: flags highlighted, amounts right-aligned, times in the viewer\'s zone', async () => {
    await page.fill('#token', 'not-a-token');
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#signin-error')!.textContent !== '');
    expect(await page.textContent('#signin-error')).toBe('令牌无效');

    await page.fill('#token', TOKENS.operator);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#judgments tbody tr >> nth=5');
    expect(await page.locator('#judgments tbody tr').count()).toBe(6);
    expect(await page.textContent('#who')).toContain('fin-op');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

    const rowA = page.locator(`tr[data-work-order="${ids.A}"]`);
    expect(await rowA.locator('time').textContent()).toContain('18:00:00'); // 10:00 UTC in Asia/Shanghai
    const claimCell = page.locator(`tr[data-work-order="${ids.B}"] td[data-col="claimAmount"]`);
    expect((await claimCell.textContent())!.replace(/\s/g, ' ')).toBe('CNY 20.00');
    expect(await claimCell.evaluate((el) => getComputedStyle(el).textAlign)).toBe('right');
    expect(await page.getAttribute(`tr[data-work-order="${ids.B}"]`, 'class')).toBe('flagged');
    expect(await page.locator(`tr[data-work-order="${ids.B}"] [data-flag]`).allTextContents()).toEqual(['赔付≠判定', '受理≠索赔']);
    expect(await page.getAttribute(`tr[data-work-order="${ids.E}"]`, 'class')).toBeNull();
  });

  it('highlights a judgment whose claim was resent blind, and offers that flag as a filter', async () => {
    expect(await page.getAttribute(`tr[data-work-order="${ids.C}"]`, 'class')).toBe('flagged');
    expect(await page.locator(`tr[data-work-order="${ids.C}"] [data-flag]`).allTextContents()).toEqual(['比例未覆盖', '可能重复索赔', '索赔已过时']);
    expect(await page.locator('#filters select[name=flag] option[value="resent-blind"]').textContent()).toBe('可能重复索赔');
  });

  it('filters: table, totals and the chart follow the filter', async () => {
    await page.fill('#filters input[name=tenantId]', 'TMALL');
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelectorAll('#judgments tbody tr').length === 2);
    expect(await page.locator('#judgments tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-work-order'))))).toEqual([ids.D, ids.B]);
    await page.waitForFunction(() => document.querySelector('[data-total="judgedClaimAmount"] .value')?.textContent?.replace(/\s/g, ' ') === 'CNY 30.00');
    expect((await page.textContent('[data-total="paidAmount"] .value'))!.replace(/\s/g, ' ')).toBe('CNY 29.99');
    expect(await page.textContent('[data-total="judgments"]')).toBe('2');

    await page.waitForFunction(() => document.querySelector('#chart svg')?.getAttribute('data-days') === '2');
    const bars = await page.locator('#chart rect[data-series]').evaluateAll((rects) => rects.map((r) => `${r.getAttribute('data-day')} ${r.getAttribute('data-series')} ${r.getAttribute('data-amount')}`));
    expect(bars).toEqual([
      '2026-01-02 judged 20.00', '2026-01-02 paid 19.99', '2026-01-02 claimed 20.00', '2026-01-02 recovered 0.00',
      '2026-01-04 judged 10.00', '2026-01-04 paid 10.00', '2026-01-04 claimed 0.00', '2026-01-04 recovered 0.00',
    ]);
    const heights = await page.locator('#chart rect[data-series="judged"]').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(heights[0]).toBeCloseTo(heights[1] * 2, 1);
  });

  it('exports the filtered judgments as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).toMatch(/^judgments-.*\.csv$/);
    const file = join(OUTPUT, 'finance-export.csv');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\n');
    expect(lines[0].startsWith('workOrderId,externalOrderId,tenantId')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['ORDER-D', 'ORDER-B']);
  });

  it('opens a detail whose route preview matches the filed claims, and lets the operator retry a dead claim', async () => {
    await page.click(`button[data-open="${ids.D}"]`);
    await page.waitForSelector('#route-preview');
    expect(await page.textContent('#detail-title')).toContain('ORDER-D');
    const preview = page.locator('.preview[data-route="warehouse-share"]');
    expect(await preview.getAttribute('data-matches')).toBe('true');
    expect(await preview.locator('[data-preview-amount]').getAttribute('data-preview-amount')).toBe('5.00');
    expect(await preview.locator('[data-filed-amount]').getAttribute('data-filed-amount')).toBe('5.00');
    expect(await preview.locator('li').allTextContents()).toEqual(['责任成立：要求 是，实际 是，符合', '责任方：要求 仓方，实际 仓方，符合']);
    expect(await page.locator('.revision').count()).toBe(1);
    await page.screenshot({ path: join(OUTPUT, 'finance-detail.png'), fullPage: true });

    const dead = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    await page.click(`button[data-claim-action="retry"][data-claim="${dead.id}"]`);
    await page.waitForFunction((id) => document.querySelector(`tr[data-claim-row="${id}"] [data-status]`)?.getAttribute('data-status') === 'pending', dead.id);
    expect(await page.textContent('#detail-message')).toBe('已重新排队');
    expect((await svc.dataSource.getRepository(Claim).findOneByOrFail({ id: dead.id })).status).toBe('pending');
    expect(await svc.dataSource.getRepository(AuditLog).findOneByOrFail({ targetId: String(dead.id) })).toMatchObject({ actor: 'fin-op', action: 'claim.retry' });
    expect(await page.locator('[data-audit="claim.retry"]').count()).toBe(1);
  });

  it('speaks English on request and leaves a screenshot of the list', async () => {
    await page.click('#detail-close');
    await page.click('#lang');
    expect(await page.textContent('h1')).toBe('Claim finance review');
    expect(await page.textContent('#apply')).toBe('Filter');
    await page.fill('#filters input[name=tenantId]', '');
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelectorAll('#judgments tbody tr').length === 6);
    await page.waitForFunction(() => document.querySelector('#chart svg')?.getAttribute('data-days') === '5');
    expect(await page.locator(`tr[data-work-order="${ids.C}"] [data-flag]`).allTextContents()).toEqual(['share uncovered', 'maybe filed twice', 'claim outdated']);
    await page.screenshot({ path: join(OUTPUT, 'finance-page.png'), fullPage: true });
    expect(existsSync(join(OUTPUT, 'finance-page.png'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
