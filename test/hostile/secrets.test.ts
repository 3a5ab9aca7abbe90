/**
 * Secrets (issue 7, item 5): a representative flow — pushes good and bad, claims sent to the four fake
 * platforms with their credentials (faults and retries included), callbacks good and forged, status
 * polls, finance API calls with tokens, the CLI's export and retry — runs with a config of distinctive
 * secrets. Then every cell of every table (gzip bodies unpacked), every log line (debug level), every
 * HTTP answer and every CLI output is searched for each secret: none may appear. Finance tokens are not
 * stored at all, not even hashed. Also: the security headers of the finance web page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { exportPushes } from '../../src/cli/raw-pushes';
import { retryDead } from '../../src/cli/retry-dead';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { readRawPushBody } from '../../src/storage/raw-push-store';
import { signShopexParams } from '../../src/verify/shopex-sign';
import {
  APPINTF_FAKE_ORDER_ID, AppintfFake, DuobaoyuFake, GlitzcloudFake, ShopexFake, startFakeAppintf, startFakeDuobaoyu, startFakeGlitzcloud, startFakeShopex,
} from '../fakes';
import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** Distinctive values, so that a hit is never a coincidence. */
const SECRETS = {
  qimenSecret: 'QimenSecret7f3a91c2e5',
  glitzcloudApikey: 'GlitzApiKey4b8d2e6f10',
  glitzcloudSecretkey: 'GlitzSecretKey9c1e7a3b',
  shopexToken: 'ShopexToken2d6f8a0c4e',
  duobaoyuAppSecret: 'DuobaoyuSecret5e9b3d7f',
  appintfSessionId: 'AppintfSession8a2c6e0b',
  financeViewerToken: 'FinanceViewer3f7b1d9e5a',
  financeOperatorToken: 'FinanceOperator6c0e4a8d2b',
};
const FINANCE_TOKENS = [SECRETS.financeViewerToken, SECRETS.financeOperatorToken];

/** Each secret as it could be written: plain, URL-encoded, base64, and (finance tokens) their hashes. */
function needles(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    out.push({ name, text: secret }, { name: `${name} (base64)`, text: Buffer.from(secret).toString('base64').replace(/=+$/, '') });
    if (FINANCE_TOKENS.includes(secret)) {
      const hash = createHash('sha256').update(secret, 'utf8').digest();
      out.push({ name: `${name} (sha256 hex)`, text: hash.toString('hex') }, { name: `${name} (sha256 base64)`, text: hash.toString('base64').replace(/=+$/, '') });
    }
  }
  return out;
}

function leaksIn(where: string, text: string): string[] {
  const lower = text.toLowerCase();
  return needles().filter((n) => lower.includes(n.text.toLowerCase())).map((n) => `${n.name} in ${where}`);
}

describe.each(TEST_DATABASES)('no secret leaks on %s', (kind) => {
  let svc: TestService;
  let glitzcloud: GlitzcloudFake;
  let shopex: ShopexFake;
  let duobaoyu: DuobaoyuFake;
  let appintf: AppintfFake;
  let worker: DispatchWorker;
  let clock: number;
  const logLines: string[] = [];
  const answers: Array<{ where: string; text: string }> = [];
  const cliOutput: Array<{ where: string; text: string }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-secrets-'));

  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  });

  /** fetch, recording the answer (status line, headers, body). */
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${svc.baseUrl}${path}`, init);
    const text = await res.clone().text();
    answers.push({ where: `${init.method ?? 'GET'} ${path} → ${res.status}`, text: `${JSON.stringify([...res.headers])}\n${text}` });
    return res;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    process.env.CR_TEST_SHOPEX_TOKEN = SECRETS.shopexToken;
    [glitzcloud, shopex, duobaoyu, appintf] = await Promise.all([
      startFakeGlitzcloud({ apikey: SECRETS.glitzcloudApikey, secretkey: SECRETS.glitzcloudSecretkey }),
      startFakeShopex({ token: SECRETS.shopexToken }),
      startFakeDuobaoyu({ appKey: 'DBY_APP', appSecret: SECRETS.duobaoyuAppSecret }),
      startFakeAppintf({ sessionId: SECRETS.appintfSessionId }),
    ]);
    clock = Date.now();
    svc = await startTestService(
      kind,
      (baseUrl) => ({
        qimen: { apps: [{ appKey: '12345678', secret: SECRETS.qimenSecret }] },
        platforms: {
          glitzcloud: { baseUrl: glitzcloud.baseUrl, apikey: SECRETS.glitzcloudApikey, secretkey: SECRETS.glitzcloudSecretkey, storeName: 'TWUSA01' },
          shopex: {
            baseUrl: shopex.baseUrl, certiId: '1437884333', fromNodeId: '1634343031', toNodeId: '1838303832', token: 'env:CR_TEST_SHOPEX_TOKEN',
            callbackUrl: `${baseUrl}/callbacks/shopex`,
          },
          duobaoyu: { baseUrl: duobaoyu.baseUrl, appKey: 'DBY_APP', appSecret: SECRETS.duobaoyuAppSecret },
          appintf: { baseUrl: appintf.baseUrl, sessionId: SECRETS.appintfSessionId },
        },
        routes: [
          { name: 'glitzcloud-loss', platform: 'glitzcloud', when: { established: true }, fields: { type: '1', connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason}' } },
          { name: 'shopex-aftersale', platform: 'shopex', when: { established: true }, fields: { tid: '{externalOrderId}', title: '售后申请', content: '{judgeResult.judgeReason}', status: '1' } },
          {
            name: 'duobaoyu-refund', platform: 'duobaoyu', when: { established: true },
            fields: { orderItemId: '1595302620191391744', afterSaleType: '4', skuCode: '{claimInfo.goodsId}', reasonCode: '11060778541', reasonName: '包装损坏', refundFreightAmount: 0, remark: '{judgeResult.judgeReason}' },
          },
          { name: 'appintf-refund', platform: 'appintf', when: { established: true }, fields: { orderId: String(APPINTF_FAKE_ORDER_ID), causeType: '1', cause: '{judgeResult.judgeReason}', proofs: 'https://img.example.com/a.jpg' } },
        ],
        dispatch: { retrySchedule: ['1s', '1s'], requestTimeoutMs: 1000, leaseSeconds: 30, pollInitial: '1s' },
        finance: { tokens: [{ name: 'fin-viewer', token: SECRETS.financeViewerToken, role: 'viewer' }, { name: 'fin-op', token: SECRETS.financeOperatorToken, role: 'operator' }] },
      }),
      { logger, now: () => clock },
    );
    duobaoyu.setPushUrl(`${svc.baseUrl}/callbacks/duobaoyu`);
    worker = new DispatchWorker({ dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger, now: () => new Date(clock) });
  });
  afterAll(async () => {
    delete process.env.CR_TEST_SHOPEX_TOKEN;
    rmSync(dir, { recursive: true, force: true });
    await svc?.close();
    await Promise.all([glitzcloud?.close(), shopex?.close(), duobaoyu?.close(), appintf?.close()]);
  });

  const push = async (body: object | string, opts: Parameters<typeof signedPush>[1] = {}, headers: Record<string, string> = {}) => {
    const signed = signedPush(typeof body === 'string' ? body : JSON.stringify(body), { secret: SECRETS.qimenSecret, timestampMs: clock, ...opts });
    return (await (await call(`/qimen?${signed.query}`, { method: 'POST', body: signed.body, headers: { 'content-type': 'application/json', ...headers } })).json()) as any;
  };

  it('runs the flow: pushes, dispatch with faults, callbacks, polls, finance API, CLI', async () => {
    const judgment = specExample();
    judgment.judgeResult.claimAmount = 89.9;
    // A client that sends credentials in its headers: none of them may be stored with the raw push.
    const pushed = await push(judgment, { signMethod: 'hmac-sha256' }, {
      authorization: `Bearer ${SECRETS.financeOperatorToken}`, cookie: `common_session_id=${SECRETS.appintfSessionId}`,
      'x-api-key': SECRETS.glitzcloudApikey, 'x-shopex-token': SECRETS.shopexToken, 'x-app-secret': SECRETS.duobaoyuAppSecret,
    });
    expect(pushed.errorId).toBe('success');
    const workOrderId = pushed.data.workOrderId;
    expect((await push(judgment, { secret: 'wrong-secret' })).errorId).toBe('sign-check-failure');
    expect((await push(judgment, { appKey: '99999999' })).errorId).toBe('invalid-app-key');
    expect((await push('{"judgeResult":', {})).errorId).toBe('invalid-json');
    expect((await push({ ...judgment, judgeResult: { ...judgment.judgeResult, warehouseRatio: 101 } })).errorId).toBe('invalid-parameter');
    expect((await push(judgment, { timestampMs: clock - 3_600_000 })).errorId).toBe('invalid-timestamp');

    // Dispatch: Glitzcloud fails once (HTTP 500), Duobaoyu answers garbage once, then both go through.
    glitzcloud.failNext(1, 'http500');
    duobaoyu.failNext(1, 'nonjson');
    clock += 1000;
    await worker.runOnce();
    clock += 5000;
    await worker.runOnce();
    const claims = await svc.dataSource.getRepository(Claim).find({ order: { id: 'ASC' } });
    expect(claims.map((c) => [c.route, c.status])).toEqual([
      ['glitzcloud-loss', 'submitted'], ['shopex-aftersale', 'submitted'], ['duobaoyu-refund', 'submitted'], ['appintf-refund', 'submitted'],
    ]);

    // Callbacks: a good and a forged one from each pushing platform.
    const msgId = shopex.applications[0].msgId;
    answers.push({ where: 'shopex callback', text: (await shopex.sendCallback(msgId)).body });
    answers.push({ where: 'forged shopex callback', text: (await shopex.sendCallback(msgId, { signWithToken: 'not-the-token' })).body });
    const forged = { msg_id: msgId, rsp: 'succ', res: '', data: '{}', date: '2026-01-01 00:00:00', sign: '' };
    forged.sign = signShopexParams(forged, 'not-the-token');
    await call('/callbacks/shopex', { method: 'POST', body: new URLSearchParams(forged) });
    // (the garbled first answer left an after-sale on the fake: the claim holds the second one)
    const afterSale = duobaoyu.afterSales[duobaoyu.afterSales.length - 1].afterSaleOrderId;
    for (const t of await duobaoyu.pushStatus(afterSale, '审核通过', { retrySchedule: [0] })) answers.push({ where: 'duobaoyu push', text: JSON.stringify(t) });
    for (const t of await duobaoyu.pushStatus(afterSale, '已完成', { badSign: true, retrySchedule: [0] })) answers.push({ where: 'forged duobaoyu push', text: JSON.stringify(t) });

    // appintf is polled; a poll with a failure first.
    appintf.failNext(1, 'http500');
    clock += 2000;
    await worker.pollOnce();
    clock += 5000;
    await worker.pollOnce();

    // Finance API: every route, good and bad tokens, an operator action.
    const viewer = bearer(SECRETS.financeViewerToken);
    const operator = bearer(SECRETS.financeOperatorToken);
    for (const path of ['/api/me', '/api/judgments', `/api/judgments/${workOrderId}`, `/api/judgments/${workOrderId}/route-preview`, '/api/judgments.csv', '/api/summary', '/api/summary/daily', '/api/claims']) {
      expect((await call(path, { headers: viewer })).status).toBe(200);
    }
    expect((await call('/api/claims', { headers: bearer(`${SECRETS.financeViewerToken}x`) })).status).toBe(401);
    expect((await call('/api/claims')).status).toBe(401);
    const glitz = claims[0];
    await svc.dataSource.getRepository(Claim).update({ id: glitz.id }, { status: 'dead', lastError: 'http_500: simulated' });
    expect((await call(`/api/claims/${glitz.id}/retry`, { method: 'POST', headers: viewer })).status).toBe(403);
    expect((await call(`/api/claims/${glitz.id}/retry`, { method: 'POST', headers: operator })).status).toBe(200);
    await svc.dataSource.getRepository(Claim).update({ id: glitz.id }, { status: 'dead' });
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/finance/', '/nope']) await call(path);

    // The CLI's equivalents: export the raw pushes, retry the dead claim.
    const file = join(dir, 'export.jsonl');
    const io = { out: captured('cli stdout'), err: captured('cli stderr') };
    await exportPushes(svc.dataSource, io, workOrderId, file);
    cliOutput.push({ where: 'export file', text: readFileSync(file, 'utf8') });
    await retryDead(svc.dataSource, io, {}, { dryRun: false, actor: { name: 'secrets-test', role: 'operator' }, now: () => new Date(clock) });
    clock += 1000;
    await worker.runOnce();
    const count = async (table: string) => Number((await svc.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    expect(await count('claim_attempt')).toBeGreaterThanOrEqual(7);
    expect(await count('audit_log')).toBeGreaterThanOrEqual(2);
    expect((await svc.dataSource.query('SELECT platform, outcome FROM callback_inbox ORDER BY id')).map((r: { platform: string }) => r.platform)).toEqual(['shopex', 'duobaoyu']);
    expect((await svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'duobaoyu-refund' })).status).toBe('accepted');
  });

  function captured(where: string): NodeJS.WritableStream {
    const entry = { where, text: '' };
    cliOutput.push(entry);
    return new Writable({
      write(chunk, _enc, done) {
        entry.text += String(chunk);
        done();
      },
    });
  }

  it('keeps every secret out of every table (text and blob columns, gzip bodies unpacked)', async () => {
    const ds = svc.dataSource;
    const tables: string[] = kind === 'sqlite'
      ? (await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r: { name: string }) => r.name)
      : (await ds.query('SHOW TABLES')).map((r: Record<string, string>) => Object.values(r)[0]);
    expect(tables).toEqual(expect.arrayContaining(['raw_push', 'raw_push_chunk', 'claim', 'claim_attempt', 'claim_event', 'callback_inbox', 'audit_log']));
    const leaks: string[] = [];
    let cells = 0;
    for (const table of tables) {
      const rows: Array<Record<string, unknown>> = await ds.query(`SELECT * FROM ${ds.driver.escape(table)}`);
      for (const [i, row] of rows.entries()) {
        for (const [column, value] of Object.entries(row)) {
          cells++;
          const where = `${table}[${i}].${column}`;
          if (typeof value === 'string') leaks.push(...leaksIn(where, value));
          else if (Buffer.isBuffer(value)) {
            leaks.push(...leaksIn(where, value.toString('utf8')), ...leaksIn(`${where} (latin1)`, value.toString('latin1')));
            if (value[0] === 0x1f && value[1] === 0x8b) leaks.push(...leaksIn(`${where} (gunzipped)`, gunzipSync(value).toString('utf8')));
          } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) leaks.push(...leaksIn(where, JSON.stringify(value)));
        }
      }
    }
    // Bodies stored in chunks are gzip only once reassembled.
    for (const { id } of await ds.query('SELECT id FROM raw_push')) leaks.push(...leaksIn(`raw push ${id} body`, (await readRawPushBody(ds, Number(id))).toString('utf8')));
    expect(cells).toBeGreaterThan(300);
    expect(leaks).toEqual([]);
  });

  it('finds a secret where one legitimately is (the search works): the requests the platforms received', () => {
    expect(leaksIn('glitzcloud requests', JSON.stringify(glitzcloud.requests))).toContain('glitzcloudApikey in glitzcloud requests');
    expect(leaksIn('appintf requests', JSON.stringify(appintf.requests))).toContain('appintfSessionId in appintf requests');
  });

  it('keeps every secret out of every log line', () => {
    expect(logLines.length).toBeGreaterThan(20);
    expect(logLines.flatMap((line, i) => leaksIn(`log line ${i}: ${line.slice(0, 160)}`, line))).toEqual([]);
  });

  it('keeps every secret out of every HTTP answer and CLI output', () => {
    expect(answers.length).toBeGreaterThan(25);
    expect([...answers, ...cliOutput].flatMap((a) => leaksIn(a.where, a.text))).toEqual([]);
  });

  it('stores finance tokens nowhere, not even hashed (auth keeps only their hashes, in memory)', async () => {
    // Covered by the table scan with the tokens' sha256 (hex and base64) among the needles; the audit log names the caller.
    const audit = await svc.dataSource.query('SELECT * FROM audit_log');
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).toContain('fin-op');
  });
});

describe('security headers of the finance web page', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite');
  });
  afterAll(() => svc?.close());

  it('serves /finance/ with a CSP that allows no inline or eval script, nosniff, and no framing', async () => {
    const res = await fetch(`${svc.baseUrl}/finance/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    expect(scripts).toBeDefined();
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain('*');
    expect(directives.get('object-src') ?? directives.get('default-src')).toEqual(["'none'"]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const framing = directives.get('frame-ancestors');
    expect(framing?.join(' ') === "'none'" || res.headers.get('x-frame-options') === 'DENY').toBe(true);

    // The page itself keeps to its CSP: no inline script, no inline event handler.
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('sends nosniff and the CSP with the page assets too', async () => {
    const res = await fetch(`${svc.baseUrl}/finance/assets/finance.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
  });
});
