import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { Claim, Settlement } from '../../src/entities';
import { buildWorld, call, FINANCE_CONFIG, settleWorld, TOKENS } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import {
  DESKTOP, expectNoSeriousAxeViolations, expectNoSidewaysScroll, launchChromium, PHONE, screenshot,
} from '../support/finance-browser';
import { startTestService, TestService } from '../support/test-service';

/**
 * The settlement views of the /finance/ page in chromium: a statement checked (dry run) before it is
 * imported, the imported and the unmatched lines, the reconciliation per platform and currency, no upload
 * for viewers, the XLSX and CSV exports with the page's time zone, the settlement flags in words, both
 * languages, the keyboard, the phone, and axe-core. Screenshots go to test-output/.
 */

// Browser globals used inside page.evaluate callbacks (this project compiles without the DOM library).
declare const document: any;

const HEADER = 'platform,platformClaimId,amount,currency,settledAt,reference';
/**
 * Against the finance world after settleWorld (C's Glitzcloud claim G-C, 60.00, already settled 59.50 by
 * STATEMENT-C-1) and B's appintf claim given the platform number R-B (20.00): line 2 matches B exactly,
 * line 3 settles C to 59.70 of 60.00 (differing), line 4 names no claim, line 5 was imported before,
 * line 6's amount is not a number.
 */
const STATEMENT = [
  HEADER,
  'appintf,R-B,20.00,CNY,2026-11-20,STMT-1',
  'glitzcloud,G-C,0.20,CNY,2026-11-20,STMT-2',
  'glitzcloud,G-UNKNOWN,5.00,CNY,2026-11-21 09:30:00,STMT-3',
  'glitzcloud,G-C,59.50,CNY,2026-11-20,STATEMENT-C-1',
  'glitzcloud,G-X,abc,CNY,2026-11-20,STMT-5',
].join('\n');

describe('the settlement views of the /finance/ page, in chromium', () => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let dir: string;
  const problems: string[] = [];

  async function openSignedIn(context: BrowserContext, token: string): Promise<Page> {
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    p.on('pageerror', (e) => problems.push(e.message));
    await p.goto(`${svc.baseUrl}/finance/`);
    await p.fill('#token', token);
    await p.press('#token', 'Enter');
    await p.waitForSelector(`#judgments tr[data-work-order="${ids.A}"]`);
    return p;
  }
  /** To the settlements tab from the keyboard. */
  async function openSettlements(p: Page) {
    await p.focus('button[data-tab="settlements"]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#settlements-view:not([hidden])');
  }
  /** Chooses a statement file and checks it (dry run) from the keyboard. */
  async function check(p: Page, name: string, text: string) {
    const file = join(dir, name);
    writeFileSync(file, text);
    await p.setInputFiles('#statement', file);
    await p.focus('#dry-run');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#import-result h3[data-dry-run="true"]');
  }
  const counts = (p: Page) => p.locator('#import-result [data-count]').evaluateAll((els) =>
    Object.fromEntries(els.map((el: any) => [el.getAttribute('data-count'), Number(el.textContent)])));
  const outcomes = (p: Page) => p.locator('#import-lines tbody tr').evaluateAll((trs) =>
    trs.map((tr: any) => [Number(tr.getAttribute('data-line')), tr.getAttribute('data-outcome')]));
  const storedLines = () => svc.dataSource.getRepository(Settlement).count();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statements-'));
    svc = await startTestService(TEST_DATABASES[0] ?? 'sqlite', FINANCE_CONFIG);
    ids = await buildWorld(svc);
    await settleWorld(svc, ids);
    await svc.dataSource.getRepository(Claim).update({ workOrderId: ids.B, route: 'whole-refund' }, { platformClaimId: 'R-B' });
    browser = await launchChromium();
    desktop = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', acceptDownloads: true, viewport: DESKTOP });
    page = await openSignedIn(desktop, TOKENS.operator);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains the settlement flags in words on the claims they mark', async () => {
    await page.click(`button[data-open="${ids.B}"]`);
    await page.waitForSelector('#claims');
    expect(await page.textContent('#claims [data-flag-note="unsettled-stale"]')).toBe('久未结算 索赔已受理或完成多日，仍没有对账单结算它。');
    await page.click('#detail-close');
    await page.click(`button[data-open="${ids.C}"]`);
    await page.waitForSelector('#claims');
    expect(await page.textContent('#claims [data-flag-note="settled-differs"]')).toBe('结算≠索赔 平台对账单结算的金额合计与索赔金额不同。');
    expect(await page.getAttribute('#claims td[data-col="settledAmount"] .money', 'data-amount')).toBe('59.50');
    await page.click('#detail-close');
  });

  it('checks a statement first, shows each outcome with both amounts where they differ, and stores nothing', async () => {
    await openSettlements(page);
    await check(page, 'statement.csv', STATEMENT);
    expect(await counts(page)).toEqual({ rows: 5, matched: 2, differing: 1, unmatched: 1, duplicates: 1, invalid: 1 });
    expect(await outcomes(page)).toEqual([[2, 'matched'], [3, 'differing'], [4, 'unmatched'], [5, 'duplicate'], [6, 'invalid']]);
    expect((await page.textContent('#import-lines tr[data-line="3"] td:last-child'))!.replace(/\s/g, ' ')).toBe('结算合计 CNY 59.70，索赔金额 CNY 60.00 结算≠索赔');
    expect(await page.textContent('#import-lines tr[data-line="6"] strong')).toBe('「amount」列无效');
    // The server's note is worded by its id, not shown in its English.
    expect(await page.textContent('#import-lines tr[data-line="6"] .note')).toMatch(/^须为 .+ 金额，最多 2 位小数$/);
    expect(await page.locator('#import-lines [lang="en"]').count()).toBe(0);
    expect(await page.textContent('#import-result [data-flag-note="settled-differs"]')).toContain('平台对账单结算的金额合计与索赔金额不同');
    expect(await storedLines()).toBe(1);
    await expectNoSeriousAxeViolations(page, 'settlements, checked statement');
    await screenshot(page, 'settlements-1440');
  });

  it('says in words that a file neither CSV nor XLSX is no statement, without sending it', async () => {
    const file = join(dir, 'statement.txt');
    writeFileSync(file, STATEMENT);
    const result = await page.evaluate(() => document.querySelector('#import-result').innerHTML);
    const sent: string[] = [];
    const listen = (r: { url(): string }) => sent.push(r.url());
    page.on('request', listen);
    await page.setInputFiles('#statement', file);
    await page.click('#dry-run');
    await page.waitForFunction(() => document.querySelector('#import-error').textContent !== '');
    page.off('request', listen);
    expect(await page.textContent('#import-error')).toBe('对账单须为 CSV 或电子表格文件');
    expect(sent.filter((url) => url.includes('/api/settlements/import'))).toEqual([]);
    expect(result).not.toBe(''); // the checked statement's report was dropped when another file was chosen
    expect(await page.evaluate(() => document.querySelector('#import-result').innerHTML)).toBe('');
    await check(page, 'statement.csv', STATEMENT);
    expect(await page.textContent('#import-error')).toBe('');
  });

  it('shows only the lines of one outcome on request', async () => {
    await page.selectOption('#line-outcome', 'unmatched');
    await page.waitForFunction(() => document.querySelectorAll('#import-lines tbody tr').length === 1);
    expect(await outcomes(page)).toEqual([[4, 'unmatched']]);
    await page.selectOption('#line-outcome', '');
    await page.waitForFunction(() => document.querySelectorAll('#import-lines tbody tr').length === 5);
  });

  it('imports the checked statement on Confirm, then lists the imported and the unmatched lines', async () => {
    await page.focus('#confirm-import');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#import-result h3[data-dry-run="false"]');
    expect(await page.locator('#confirm-import').count()).toBe(0);
    expect(await storedLines()).toBe(4);
    await page.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 4);
    await page.waitForFunction(() => document.querySelectorAll('#unmatched tbody tr').length === 1);
    expect(await page.textContent('#unmatched tbody tr td[data-label="平台单号"]')).toBe('G-UNKNOWN');
    const references = await page.locator('#settlements tbody td[data-label="对账单流水号"]').allTextContents();
    expect(references.sort()).toEqual(['STATEMENT-C-1', 'STMT-1', 'STMT-2', 'STMT-3']);
    await page.selectOption('#settlement-filters select[name=unmatched]', '1');
    await page.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 1);
    await page.selectOption('#settlement-filters select[name=unmatched]', '');
    await page.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 4);
  });

  it('reconciles per platform and currency: claimed, accepted, settled and outstanding as the summary says', async () => {
    await page.waitForFunction(() => document.querySelector('#reconciliation tr[data-platform="appintf"] [data-col="settledAmount"] .money')?.getAttribute('data-amount') === '20.00');
    const { json } = await call(svc.baseUrl, '/api/summary', { token: TOKENS.viewer });
    const cny = json.currencies.find((c: any) => c.currency === 'CNY');
    const shown = await page.locator('#reconciliation [data-currency="CNY"] tbody tr').evaluateAll((trs) => trs.map((tr: any) => ({
      platform: tr.getAttribute('data-platform'),
      ...Object.fromEntries([...tr.querySelectorAll('[data-col]')].map((td: any) => [td.getAttribute('data-col'), td.querySelector('.money')?.getAttribute('data-amount') ?? null])),
    })));
    expect(shown).toEqual(cny.byPlatform.map((p: any) => ({
      platform: p.platform, claimedAmount: p.claimedAmount, acceptedAmount: p.acceptedAmount, settledAmount: p.settledAmount, outstandingAmount: p.outstandingAmount,
    })));
    expect(shown.find((p) => p.platform === 'glitzcloud')!.settledAmount).toBe('59.70');
    expect(await page.locator('#reconciliation-body > [data-currency]').evaluateAll((els) => els.map((el: any) => el.getAttribute('data-currency')))).toEqual(['CNY', 'USD']);
  });

  it('says when the reconciliation figures were read', async () => {
    const asOf = (await page.textContent('#reconciliation-as-of')) ?? '';
    expect(asOf).toMatch(/^(Figures as of|以上数字读取于) \S/);
    expect(asOf).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });

  it('exports judgments, claims and settlements as XLSX and the CSV with the current filters and the page\'s time zone', async () => {
    const asked: string[] = [];
    await page.route(/\/api\/(judgments|claims|settlements)\.(xlsx|csv)\?/, (route) => {
      asked.push(route.request().url());
      const name = new URL(route.request().url()).pathname.split('/').pop();
      return route.fulfill({ status: 200, body: 'PK', headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"` } });
    });
    await page.click('button[data-tab="judgments"]');
    await page.selectOption('#filters select[name=platform]', 'appintf');
    await page.selectOption('#filters select[name=flag]', 'payment-differs');
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelectorAll('#judgments tbody tr').length === 1);
    await page.click('button[data-tab="settlements"]');
    await page.selectOption('#settlement-filters select[name=platform]', 'glitzcloud');
    await page.click('button[data-tab="judgments"]');
    for (const button of ['#export', '#export-judgments-xlsx', '#export-claims-xlsx', '#export-settlements-xlsx']) {
      await page.focus(button);
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toMatch(/\.(csv|xlsx)$/);
    }
    const asAsked = asked.map((url) => `${new URL(url).pathname}?${[...new URL(url).searchParams].map(([k, v]) => `${k}=${v}`).sort().join('&')}`);
    expect(asAsked).toEqual([
      '/api/judgments.csv?flag=payment-differs&platform=appintf&tz=Asia/Shanghai',
      '/api/judgments.xlsx?flag=payment-differs&platform=appintf&tz=Asia/Shanghai',
      '/api/claims.xlsx?platform=appintf&tz=Asia/Shanghai', // payment-differs is no claim flag
      '/api/settlements.xlsx?platform=glitzcloud&tz=Asia/Shanghai',
    ]);
    expect(await page.textContent('#csv-note')).toBe('导出文件（CSV 与电子表格）中的时间按所选时区 Asia/Shanghai');
    await page.selectOption('#tz', 'UTC');
    await Promise.all([page.waitForEvent('download'), page.click('#export-judgments-xlsx')]);
    expect(asked).toHaveLength(5);
    expect(new URL(asked[4]).searchParams.get('tz')).toBe('UTC');
    await page.selectOption('#tz', 'Asia/Shanghai');
    await page.unroute(/\/api\/(judgments|claims|settlements)\.(xlsx|csv)\?/);
    await page.getByRole('button', { name: '重置' }).click();
    await page.click('button[data-tab="settlements"]');
    await page.selectOption('#settlement-filters select[name=platform]', '');
  });

  it('offers a viewer no upload, only the lists and the reconciliation', async () => {
    const viewer = await openSignedIn(desktop, TOKENS.viewer);
    await openSettlements(viewer);
    await viewer.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 4);
    expect(await viewer.isHidden('#import-card')).toBe(true);
    expect(await viewer.locator('#statement').isVisible()).toBe(false);
    expect(await viewer.textContent('#import-viewer-note')).toBe('只有操作员可以导入对账单。');
    await expectNoSeriousAxeViolations(viewer, 'settlements (viewer)');
    await viewer.close();
  });

  it('fits a phone: no sideways scroll on the settlement views, a checked statement included', async () => {
    const phone = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', viewport: PHONE });
    const p = await openSignedIn(phone, TOKENS.operator);
    await openSettlements(p);
    await p.waitForFunction(() => document.querySelectorAll('#unmatched tbody tr').length === 1);
    await check(p, 'statement-with-a-rather-long-name-from-the-platform-2026-11.csv', [HEADER, 'glitzcloud,G-C,1.00,CNY,2026-11-22,STMT-6', 'appintf,R-B,20.00,CNY,2026-11-20,STMT-1'].join('\n'));
    expect(await outcomes(p)).toEqual([[2, 'differing'], [3, 'duplicate']]);
    await expectNoSidewaysScroll(p, PHONE.width);
    await expectNoSeriousAxeViolations(p, 'settlements (phone)');
    await screenshot(p, 'settlements-390');
    await p.focus('#discard-import');
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.querySelector('#import-result').children.length === 0);
    expect(await storedLines()).toBe(4);
    await phone.close();
  });

  it('speaks English on the settlement views on request', async () => {
    await page.click('#lang');
    await page.waitForSelector('#settlements-view:not([hidden])');
    expect(await page.textContent('#reconciliation-title')).toBe('Reconciliation per platform');
    expect(await page.textContent('#import-result h3')).toBe('Imported: statement.csv');
    expect((await page.textContent('#import-lines tr[data-line="3"] td:last-child'))!.replace(/\s/g, ' ')).toBe('Settled CNY 59.70 in all, claimed CNY 60.00 settled ≠ claimed');
    const ownTexts = await page.evaluate(() => [...document.querySelectorAll('#settlements-view h2, #settlements-view h3, #settlements-view th, #settlements-view button, #settlements-view label span, #settlements-view .small')]
      .map((el: any) => el.textContent).join(' '));
    expect(ownTexts).not.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(page, 'settlements-en-1440');
    await page.click('#lang');
  });

  it('checks an XLSX statement as a spreadsheet, amounts from number cells', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('对账单');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['glitzcloud', 'G-C', 0.4, 'CNY', '2026-11-24', 'XLSX-1']);
    sheet.addRow(['appintf', 'R-NEW', 7.5, 'CNY', '2026-11-24', 'XLSX-2']);
    await book.xlsx.writeFile(join(dir, 'statement.xlsx'));
    await page.setInputFiles('#statement', join(dir, 'statement.xlsx'));
    const [request] = await Promise.all([page.waitForRequest(/\/api\/settlements\/import\?dryRun=1$/), page.click('#dry-run')]);
    expect(request.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await page.waitForSelector('#import-result h3[data-dry-run="true"]');
    expect(await outcomes(page)).toEqual([[2, 'differing'], [3, 'unmatched']]);
    expect(await page.getAttribute('#import-lines tr[data-line="2"] [data-settled]', 'data-settled')).toBe('60.10');
    await page.click('#discard-import');
    expect(await storedLines()).toBe(4);
  });

  it('pages a long report 100 lines at a time and the imported lines 50 at a time, from the keyboard', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `glitzcloud,G-LATER-${i},1.00,CNY,2026-11-23,MANY-${i}`);
    await check(page, 'many.csv', [HEADER, ...many].join('\n'));
    const shown = () => page.getAttribute('#import-result [data-lines-shown]', 'data-lines-shown');
    expect(await shown()).toBe('100');
    await page.focus('#import-lines-more');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#import-result [data-lines-shown]').getAttribute('data-lines-shown') === '200');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('import-lines-more');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#import-result [data-lines-shown]').getAttribute('data-lines-shown') === '250');
    expect(await page.locator('#import-lines-more').count()).toBe(0);

    await page.focus('#confirm-import');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#import-result h3[data-dry-run="false"]');
    await page.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 50);
    await page.focus('#settlements-more');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#settlements tbody tr').length === 100);
    const ids = await page.locator('#settlements tbody tr').evaluateAll((trs) => trs.map((tr: any) => Number(tr.getAttribute('data-settlement'))));
    expect(new Set(ids).size).toBe(100);
    expect(problems).toEqual([]);
  });
});
