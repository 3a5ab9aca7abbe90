import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CLAIM_REASONS, LAST_ERRORS } from '../../src/claims/claim-reasons';
import { Claim, ClaimAttempt, ClaimEvent, WorkOrder } from '../../src/entities';
import { lastErrorColumns, paramsJson } from '../../src/storage/claims/claim-repository';
import { buildWorld, FINANCE_CONFIG, TOKENS, WORLD, worldJudgment } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import {
  DESKTOP, expectNoSeriousAxeViolations as axe, expectNoSidewaysScroll, launchChromium, OUTPUT, PHONE, screenshot as shot,
} from '../support/finance-browser';
import { startTestService, TestService } from '../support/test-service';

/**
 * The /finance/ page as a finance reviewer uses it, in Debian's chromium at 1440×900 and 390×844: Reset,
 * the phone layout, attempt details that stay in their box, the reviewer's fields and revisions side by
 * side, rejected pushes, flags in words, per-currency flag filters, the party as words, money in each
 * currency's own minor units, one chosen time zone, Retry only where it can help and never a stale
 * status after it, both languages, and axe-core's check of every view. Screenshots go to test-output/.
 */
// Browser globals used inside page.evaluate callbacks (this project compiles without the DOM library).
declare const document: any;

describe('the /finance/ page for a finance reviewer, in chromium', () => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>> & { G: number };
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  /** A page that signs in as the operator; console errors and page errors are collected. */
  async function openSignedIn(context: BrowserContext): Promise<Page> {
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    p.on('console', (m) => {
      if (m.type() === 'error' && !/\b(400|401|409) \(/.test(m.text())) problems.push(m.text()); // answers the tests ask for
    });
    p.on('pageerror', (e) => problems.push(e.message));
    await p.goto(`${svc.baseUrl}/finance/`);
    await p.fill('#token', TOKENS.operator);
    await p.click('#signin-form button[type=submit]');
    await p.waitForSelector(`#judgments tr[data-work-order="${ids.A}"]`);
    return p;
  }
  const rows = (p: Page) => p.locator('#judgments tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-work-order'))));
  /** How many lines an element's text takes. */
  const lines = (p: Page, selector: string) => p.evaluate((sel) => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(sel));
    return new Set([...range.getClientRects()].map((r: any) => Math.round(r.top))).size;
  }, selector);
  const applyAndWait = async (p: Page, expected: number[]) => {
    await p.click('#apply');
    await p.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, expected.length);
    expect(await rows(p)).toEqual(expected);
  };

  beforeAll(async () => {
    svc = await startTestService(TEST_DATABASES[0] ?? 'sqlite', FINANCE_CONFIG);
    const world = await buildWorld(svc);
    // G: a JPY judgment paid less than judged (payment-differs, as B is in CNY), pushed twice: the second
    // revision changes the reason and the amount.
    const g = worldJudgment({ ...WORLD[0], key: 'A', tenantId: 'TOKYO', currency: 'JPY', claimAmount: 1500, paymentAmount: 1200 });
    Object.assign(g, { externalOrderId: 'ORDER-G', logisticsOrderNo: 'LOGI-G', waybillNo: 'WB-G', responsibilityPackageNos: ['PKG-G-1'] });
    const first = await svc.push(g);
    g.judgeResult.claimAmount = 1000;
    g.judgeResult.judgeReason = '复核：仅部分临期';
    await svc.push(g);
    ids = { ...world, G: first.json.data.workOrderId };
    await svc.dataSource.getRepository(WorkOrder).update({ id: ids.G }, { receivedAt: new Date('2026-01-06T02:00:00.000Z') });
    // Two refused pushes for the rejected-push list.
    await svc.push('not json');
    const negative = worldJudgment(WORLD[1]);
    negative.judgeResult.claimAmount = -1;
    await svc.push(negative);

    browser = await launchChromium();
    desktop = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', viewport: DESKTOP });
    page = await openSignedIn(desktop);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('signs in through a view with no serious or critical accessibility violation', async () => {
    const p = await desktop.newPage();
    await p.goto(`${svc.baseUrl}/finance/`);
    await p.waitForSelector('#signin:not([hidden])');
    await axe(p, 'sign-in');
    await shot(p, 'signin-1440');
    await p.setViewportSize(PHONE);
    await axe(p, 'sign-in (phone)');
    await shot(p, 'signin-390');
    await p.close();
  });

  it('lists the judgments with no serious or critical accessibility violation', async () => {
    await page.waitForSelector('#totals [data-currency]');
    await axe(page, 'list');
    await shot(page, 'list-1440');
  });

  it('clears every filter with 重置 (Reset) and lists everything again', async () => {
    await page.fill('#filters input[name=tenantId]', 'TMALL');
    await page.fill('#filters input[name=q]', 'ORDER-B');
    await page.fill('#filters input[name=from]', '2026-01-01');
    await page.selectOption('#filters select[name=status]', 'accepted');
    await applyAndWait(page, [ids.B]);
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 7);
    const values = await page.locator('#filters input, #filters select').evaluateAll((els) => els.map((el) => (el as any).value));
    expect(values.every((v) => v === '')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('offers the responsible party as words to choose, never free text', async () => {
    const party = page.locator('#filters [name=responsibilityParty]');
    expect(await party.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await party.locator('option').allTextContents()).toEqual(['全部', '仓方', '配送方']);
    await party.selectOption({ label: '配送方' });
    await applyAndWait(page, [ids.B]);
    expect(await page.textContent(`tr[data-work-order="${ids.B}"] td[data-party]`)).toBe('配送方');
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 7);
  });

  it('shows each amount with its own currency\'s minor units: JPY without decimals, CNY with two', async () => {
    const g = page.locator(`tr[data-work-order="${ids.G}"] td[data-col="claimAmount"]`);
    expect((await g.textContent())!.replace(/\s/g, ' ')).toBe('JPY 1,000');
    const b = page.locator(`tr[data-work-order="${ids.B}"] td[data-col="claimAmount"]`);
    expect((await b.textContent())!.replace(/\s/g, ' ')).toBe('CNY 20.00');
  });

  it('filters one currency only with the flag button under that currency\'s totals', async () => {
    const button = page.locator('#totals [data-currency="JPY"] button[data-flag-filter="payment-differs"]');
    expect(await button.getAttribute('title')).toBe('只看 JPY 中「赔付≠判定」的判责（1）');
    await button.click();
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 1);
    expect(await rows(page)).toEqual([ids.G]);
    expect(await page.inputValue('#filters select[name=currency]')).toBe('JPY');
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 7);
  });

  it('explains the flags in words where they appear', async () => {
    await page.locator('#totals [data-currency="CNY"] details.flag-legend summary').click();
    expect(await page.textContent('#totals [data-currency="CNY"] [data-flag-note="resent-blind"]')).toContain('请核对平台上只有一张索赔单');
    expect(await page.getAttribute(`tr[data-work-order="${ids.C}"] [data-flag="resent-blind"]`, 'title')).toContain('请核对平台上只有一张索赔单');
  });

  it('names the time zone it shows times in, and shows them in the zone chosen on the page', async () => {
    expect(await page.textContent('#received-head')).toBe('收到时间 (Asia/Shanghai)');
    expect(await page.locator(`tr[data-work-order="${ids.A}"] time`).textContent()).toContain('18:00:00');
    await page.selectOption('#tz', 'UTC');
    await page.waitForFunction(() => document.querySelector('#received-head').textContent === '收到时间 (UTC)');
    expect(await page.locator(`tr[data-work-order="${ids.A}"] time`).textContent()).toContain('10:00:00');
    // A date filter is a calendar day of the chosen zone: F arrived 2026-01-05 20:00 UTC, 01-06 in Shanghai.
    await page.fill('#filters input[name=from]', '2026-01-06');
    await applyAndWait(page, [ids.G]);
    await page.selectOption('#tz', 'Asia/Shanghai');
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 2);
    expect(await rows(page)).toEqual([ids.G, ids.F]);
    expect(await page.textContent('#csv-note')).toContain('Asia/Shanghai');
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#judgments tbody tr').length === n, 7);
  });

  it('says a bad date range in words instead of asking the server', async () => {
    await page.fill('#filters input[name=from]', '2026-01-05');
    await page.fill('#filters input[name=to]', '2026-01-02');
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelector('#filter-error').textContent !== '');
    expect(await page.textContent('#filter-error')).toBe('结束日期不能早于开始日期');
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction(() => document.querySelector('#filter-error').textContent === '');
  });

  it('says a parameter the server refused in words, by the error id and field it answers', async () => {
    await page.locator('#filters input[name=tenantId]').evaluate((el: any) => { el.value = 'T'.repeat(129); }); // past maxlength
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelector('#filter-error').textContent !== '');
    expect(await page.textContent('#filter-error')).toBe('「租户」的值无效');
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForFunction(() => document.querySelector('#filter-error').textContent === '');
  });

  it('shows the reviewer\'s fields of the judgment, the goods and the payment, and the revisions side by side', async () => {
    await page.click(`button[data-open="${ids.G}"]`);
    await page.waitForSelector('#route-preview');
    const field = (section: string, name: string) => page.textContent(`[data-section="${section}"] dd[data-field="${name}"]`);
    expect(await field('judgment', 'judgeReason')).toBe('复核：仅部分临期');
    expect(await field('judgment', 'established')).toBe('是');
    expect(await field('judgment', 'bizType')).toBe('临期问题');
    expect(await field('judgment', 'responsibilityParty')).toBe('仓方');
    expect(await field('judgment', 'description')).toContain('仓内临期问题');
    expect(await field('goods', 'goodsName')).toBe('某品牌牛奶 250ml*12');
    expect((await field('payment', 'paymentAmount'))!.replace(/\s/g, ' ')).toBe('JPY 1,200');
    expect(await field('payment', 'paymentStatus')).toBe('成功');

    const reason = page.locator('table.revisions tr[data-field="judgeReason"] td');
    expect(await reason.allTextContents()).toEqual(['仓内拣选导致临期', '复核：仅部分临期(已变更)']);
    expect(await reason.nth(1).getAttribute('data-changed')).toBe('true');
    expect(await page.locator('table.revisions tr[data-field="claimAmount"] td').nth(1).getAttribute('data-changed')).toBe('true');
    expect(await page.locator('table.revisions tr[data-field="goodsName"] td').nth(1).getAttribute('data-changed')).toBeNull();
    expect(await page.getAttribute('table.revisions [data-changed-count]', 'data-changed-count')).toBe('2');
    // Nothing of the page's own in English: only data (numbers, codes) and protocol words.
    const ownTexts = await page.evaluate(() => [...document.querySelectorAll('h1, h3, th, dt, summary, button:not(#lang), label span')].map((el: any) => el.textContent).join(' '));
    expect(ownTexts.replace(/\b(HTTP|CSV|UTC|App Key|JPY|CNY|USD|Asia\/Shanghai)\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    // The route preview's checks in words.
    expect(await page.locator('.preview[data-route="warehouse-share"] li').allTextContents())
      .toEqual(['责任成立：要求 是，实际 是，符合', '责任方：要求 仓方，实际 仓方，符合']);
    await page.click('#detail-close');
  });

  it('opens and closes a detail from the keyboard, focus following', async () => {
    await page.focus(`button[data-open="${ids.B}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#route-preview');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('detail-close');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail', { state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement.getAttribute('data-open'))).toBe(String(ids.B));
  });

  it('keeps an attempt\'s request / response inside its box: the desktop page stays 1440 px wide', async () => {
    const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    const longLine = JSON.stringify({ orderId: '123456', cause: 'x'.repeat(20_000), items: Array.from({ length: 50 }, (_, i) => `SKU-${i}-${'y'.repeat(40)}`) });
    await svc.dataSource.getRepository(ClaimAttempt).insert({
      claimId: claim.id, attemptNo: 1, workerId: 'w1', startedAt: new Date(), finishedAt: new Date(), latencyMs: 12, outcome: 'terminal',
      httpStatus: 200, errorCode: '17', errorMessage: '订单不存在', request: longLine, response: `{"code":17,"msg":"${'z'.repeat(5000)}"}`,
    });
    await page.click(`button[data-open="${ids.D}"]`);
    await page.waitForSelector(`tr[data-claim-row="${claim.id}"]`);
    await page.locator(`tr[data-claim-row="${claim.id}"] + tr details > summary`).first().click();
    await page.locator('details.exchange summary').first().click();
    await page.waitForSelector('details.exchange[open] pre');
    await expectNoSidewaysScroll(page, 1440);
    await axe(page, 'detail');
    await shot(page, 'detail-1440');
    await page.click('#detail-close');
  });

  it('words a claim\'s status changes and last error in 中文 by their ids, the platform\'s own words kept as written', async () => {
    const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: ids.D, route: 'warehouse-share' });
    await svc.dataSource.getRepository(Claim).update({ id: claim.id }, lastErrorColumns(LAST_ERRORS.httpStatus(503, 'gateway busy')));
    const event = (reason: ReturnType<typeof CLAIM_REASONS.attemptRetryable>, at: number) => ({
      claimId: claim.id, fromStatus: 'pending', toStatus: 'pending', source: 'dispatcher', reason: reason.text, reasonId: reason.id,
      reasonParams: paramsJson(reason.params), payload: null, createdAt: new Date(Date.now() + at),
    });
    await svc.dataSource.getRepository(ClaimEvent).insert([
      event(CLAIM_REASONS.attemptRetryable(1, LAST_ERRORS.timeout('UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error'), 30_000), 1),
      event(CLAIM_REASONS.attemptTerminal(2, LAST_ERRORS.platformError('17', '订单不存在'), true), 2),
    ]);
    const timeout = LAST_ERRORS.timeout('UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error');
    await svc.dataSource.getRepository(ClaimAttempt).insert({
      claimId: claim.id, attemptNo: 1, workerId: 'w1', startedAt: new Date(), finishedAt: new Date(), latencyMs: 15_000, outcome: 'retryable',
      httpStatus: null, errorCode: timeout.code, errorMessage: timeout.message, errorId: timeout.id, errorParams: paramsJson(timeout.params), request: null, response: null,
    });
    await page.click(`button[data-open="${ids.D}"]`);
    await page.waitForSelector(`tr[data-claim-row="${claim.id}"]`);
    const row = `tr[data-claim-row="${claim.id}"]`;
    const text = async (selector: string) => (await page.textContent(selector))!.replace(/\s/g, ' ');
    expect(await text(`${row} [data-last-error-id="http-status"]`)).toBe('平台答复 HTTP 503：gateway busy');
    expect(await page.getAttribute(`${row} [data-last-error-id="http-status"] .platform-words`, 'title')).toBe('平台原文');
    const events = `${row} + tr`;
    expect(await text(`${events} [data-event-reason="route-matches"] [data-reason-id]`))
      .toBe('版本 1 命中路由 warehouse-share（责任成立：要求 是，实际 是，符合；责任方：要求 仓方，实际 仓方，符合）；金额 CNY 5.00');
    expect(await text(`${events} [data-event-reason="attempt-retry"] [data-reason-id]`))
      .toBe('第 1 次发送失败：平台未在时限内答复（UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error）；30 秒后重试');
    expect(await page.getAttribute(`${events} [data-event-reason="attempt-retry"] .system-detail`, 'lang')).toBe('en');
    expect(await text(`${events} [data-attempt-error="timeout"]`)).toBe('平台未在时限内答复（UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error）');
    expect(await text(`${events} [data-event-reason="attempt-rejected"]`)).toBe('说明: 第 2 次发送：被平台驳回：平台返回错误 17：订单不存在 （引号内为平台原文）');
    // Nothing in English outside the platform's and the system's own words.
    const own = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} [data-reason-id], ${sel} [data-last-error-id]`)]
      .map((el: any) => { const copy = el.cloneNode(true); copy.querySelectorAll('.platform-words, .system-detail').forEach((x: any) => x.remove()); return copy.textContent; }).join(' '), row);
    expect(own.replace(/\b(HTTP|CNY)\b|warehouse-share/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    for (const details of await page.locator(`${events} details`).all()) await details.evaluate((el: any) => { el.open = true; });
    await page.locator(`${events} [data-event-reason="attempt-rejected"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT, 'finance-claim-reasons-1440.png') });
    await page.click('#detail-close');
  });

  it('offers no Retry on a claim whose precheck would fail again at once, and says why', async () => {
    const claims = svc.dataSource.getRepository(Claim);
    const dead = await claims.findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    await claims.update({ id: dead.id }, lastErrorColumns(LAST_ERRORS.precheck('orderId', { rule: 'not-integer' })));
    await page.click(`button[data-open="${ids.D}"]`);
    await page.waitForSelector(`tr[data-claim-row="${dead.id}"]`);
    expect(await page.locator(`button[data-claim-action="retry"][data-claim="${dead.id}"]`).count()).toBe(0);
    expect(await page.textContent(`[data-no-retry="${dead.id}"]`)).toContain('orderId');
    expect(await page.textContent(`tr[data-claim-row="${dead.id}"] [data-last-error-id="precheck"]`)).toBe('请求字段 orderId 不符合平台规则：须为整数');
    await page.click('#detail-close');
    await claims.update({ id: dead.id }, { lastError: '17: 订单不存在', lastErrorId: null, lastErrorParams: null });
  });

  it('asks for a retried claim again until it has left pending, never showing a stale pending', async () => {
    const claims = svc.dataSource.getRepository(Claim);
    const dead = await claims.findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    await page.click(`button[data-open="${ids.D}"]`);
    await page.click(`button[data-claim-action="retry"][data-claim="${dead.id}"]`);
    const status = () => page.getAttribute(`tr[data-claim-row="${dead.id}"] [data-status]`, 'data-status');
    await page.waitForFunction((id) => document.querySelector(`tr[data-claim-row="${id}"] [data-status]`)?.getAttribute('data-status') === 'pending', dead.id);
    // A worker sends it and it fails again: the page shows that without being asked.
    await claims.update({ id: dead.id }, { status: 'dead', lastError: '17: 订单不存在', nextAttemptAt: null });
    await page.waitForFunction((id) => document.querySelector(`tr[data-claim-row="${id}"] [data-status]`)?.getAttribute('data-status') === 'dead', dead.id);
    expect(await status()).toBe('dead');
    expect(await page.textContent('#detail-message')).toBe(`索赔 #${dead.id} 现在：失败`);
  });

  it('translates a server error by its id', async () => {
    const claims = svc.dataSource.getRepository(Claim);
    const dead = await claims.findOneByOrFail({ workOrderId: ids.D, route: 'whole-refund' });
    await page.click('#detail-close');
    await page.click(`button[data-open="${ids.D}"]`);
    await page.waitForSelector(`button[data-claim-action="retry"][data-claim="${dead.id}"]`);
    await claims.update({ id: dead.id }, { status: 'completed' }); // changed behind the page's back
    await page.click(`button[data-claim-action="retry"][data-claim="${dead.id}"]`);
    await page.waitForFunction(() => document.querySelector('#detail-message').textContent === '索赔状态已变化，请刷新后再试');
    await claims.update({ id: dead.id }, { status: 'dead' });
    await page.click('#detail-close');
  });

  it('lists the rejected pushes with their reason in words', async () => {
    await page.click('button[data-tab="rejected"]');
    await page.waitForSelector('#rejected tbody tr >> nth=1');
    expect(await page.locator('#rejected td[data-error-id] strong').allTextContents()).toEqual(['报文字段不合规', '报文不是合法 JSON']);
    // The refused field is worded by its problem id; a refusal of no one field keeps the server's note as recorded.
    expect(await page.textContent('#rejected [data-problem-id="negative"]')).toBe('字段 judgeResult.claimAmount：不能小于 0');
    await axe(page, 'rejected pushes');
    await shot(page, 'rejected-1440');
    await page.click('button[data-tab="judgments"]');
  });

  it('fits a phone: no sideways scroll on the list, the detail or the rejected pushes; the title and 退出 on one line', async () => {
    const phone = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN', viewport: PHONE });
    const p = await openSignedIn(phone);
    await expectNoSidewaysScroll(p, 390);
    expect(await lines(p, 'h1')).toBe(1);
    expect(await lines(p, '#signout')).toBe(1);
    await axe(p, 'list (phone)');
    await shot(p, 'list-390');

    await p.click(`button[data-open="${ids.D}"]`);
    await p.waitForSelector('#route-preview');
    for (const details of await p.locator('#detail-body details').all()) await details.evaluate((el: any) => { el.open = true; });
    await expectNoSidewaysScroll(p, 390);
    await axe(p, 'detail (phone)');
    await shot(p, 'detail-390');
    await p.click('#detail-close');

    await p.click('button[data-tab="rejected"]');
    await p.waitForSelector('#rejected tbody tr');
    await expectNoSidewaysScroll(p, 390);
    await shot(p, 'rejected-390');
    await phone.close();
  });

  it('speaks English throughout on request, enum values and server errors included', async () => {
    await page.click('#lang');
    expect(await page.textContent('h1')).toBe('Claim finance review');
    await page.waitForSelector('#judgments tbody tr');
    expect(await page.textContent(`tr[data-work-order="${ids.B}"] td[data-party]`)).toBe('Delivery');
    expect(await page.locator('#filters [name=responsibilityParty] option').allTextContents()).toEqual(['Any', 'Warehouse', 'Delivery']);
    await page.click(`button[data-open="${ids.G}"]`);
    await page.waitForSelector('#route-preview');
    expect(await page.textContent('[data-section="judgment"] dd[data-field="established"]')).toBe('yes');
    expect(await page.locator('.preview[data-route="warehouse-share"] li').allTextContents())
      .toEqual(['Established: wanted yes, got yes: matches', 'Responsible party: wanted Warehouse, got Warehouse: matches']);
    // The status changes in English by their ids, JPY in its own minor units.
    expect((await page.locator('[data-event-reason="unsent-claim-changed"] [data-reason-id]').allTextContents()).map((x) => x.replace(/\s/g, ' ')))
      .toContain('revision 2 changed the unsent claim: amount JPY 1,500 → JPY 1,000; fields changed');
    // Nothing of the page's own in Chinese: only the data (reasons, goods) may be.
    const ownTexts = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, th, dt, summary, button:not(#lang), label span')].map((el: any) => el.textContent).join(' '));
    expect(ownTexts).not.toMatch(/[\u4e00-\u9fff]/);
    await shot(page, 'detail-en-1440');
    await page.click('#detail-close');
    await shot(page, 'list-en-1440');
    await page.click('#lang');
    expect(problems).toEqual([]);
  });
});
