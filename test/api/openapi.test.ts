import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { createApp } from '../../src/app';
import { OPENAPI_DOCUMENT } from '../../src/api/openapi';
import { CALLBACK_MAX_BODY_BYTES } from '../../src/callbacks/limits';
import { parseConfig } from '../../src/config/load';
import { Claim, ClaimAttempt } from '../../src/entities';
import { createHttpServer } from '../../src/http/server';
import { edgeErrors } from '../../src/http/edges';
import { createLogger } from '../../src/logging';
import { signDuobaoyuPush } from '../../src/platforms/duobaoyu/push';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { DUOBAOYU_FAKE_APP } from '../fakes/duobaoyu-fake';
import { SHOPEX_FAKE_TOKEN } from '../fakes/shopex-fake';
import { TEST_DATABASES } from '../support/databases';
import { Answer, DocumentedAnswers, operationsOf } from '../support/openapi-answers';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { oversizedHeaders, rawExchange, unfinishedBody, unparsableRequest } from '../support/raw-http';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, FINANCE_CONFIG, TOKENS, WorldRow } from './finance-fixture';
import { registeredRoutes } from './registered-routes';

const OPERATIONS = operationsOf(OPENAPI_DOCUMENT as never);

describe('the OpenAPI document', () => {
  const app = createApp({ config: parseConfig({ qimen: { apps: [{ appKey: '1', secret: 's' }] } }), dataSource: {} as never, logger: createLogger({ level: 'silent' }) });

  it('documents every registered route, and nothing that is not registered', () => {
    const registered = registeredRoutes(app).map((r) => `${r.method} ${r.openApiPath}`);
    expect(registered.length).toBeGreaterThan(15);
    expect([...new Set(registered)].sort()).toEqual(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
  });

  it('puts every /api operation behind the bearer scheme and states that every other operation has none', () => {
    for (const [path, item] of Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'servers') continue;
        expect(`${method} ${path}: ${JSON.stringify(op.security)}`).toBe(`${method} ${path}: ${path.startsWith('/api/') ? '[{"bearer":[]}]' : '[]'}`);
      }
    }
  });
});

/** What the answer cases call: the services, and the work orders of the finance world by key. */
interface Env {
  /** The finance world, with ShopEx and Duobaoyu configured for signed callbacks. */
  svc: TestService;
  ids: Record<WorldRow['key'], number>;
  /** Short request timeouts and a small Qimen body limit; its database is gone (every store fails). */
  broken: TestService;
  /** Callback rate limits on a clock that never moves: the first callback per route passes, the rest are refused; a 10-byte finance body budget. */
  limited: TestService;
  /** The /metrics route of a process started with METRICS=off. */
  metricsOffUrl: string;
}

const CALLBACK_PLATFORMS = {
  shopex: {
    baseUrl: 'http://127.0.0.1:9/api', certiId: 'CERTI', fromNodeId: 'FROM', toNodeId: 'TO', token: SHOPEX_FAKE_TOKEN, callbackUrl: 'http://127.0.0.1:9/callbacks/shopex',
  },
  duobaoyu: { baseUrl: 'http://127.0.0.1:9', ...DUOBAOYU_FAKE_APP },
};
const TIMEOUT_MS = 500;
const MAX_BODY_BYTES = 4096;
const MAX_STATEMENT_BYTES = 4096;
/** A statement of one line that no claim holds. */
const STATEMENT = 'platform,platformClaimId,amount,currency,settledAt,reference\r\nappintf,R-OPENAPI,1.00,CNY,2026-03-01,L-OPENAPI';

const toAnswer = async (res: Response): Promise<Answer> => ({ status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() });

/** Requests an operation of the document: its path parameters filled in, with an optional token, query and body. */
async function send(
  baseUrl: string,
  operationId: string,
  opts: { params?: Record<string, string | number>; query?: string; token?: string; body?: string | Buffer | URLSearchParams; contentType?: string } = {},
): Promise<Answer> {
  const op = OPERATIONS.find((o) => o.operationId === operationId)!;
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(opts.params?.[name])));
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.contentType) headers['content-type'] = opts.contentType;
  const res = await fetch(`${baseUrl}${path}${opts.query ? `?${opts.query}` : ''}`, { method: op.method, headers, body: opts.body, redirect: 'manual' });
  return toAnswer(res);
}

const push = (baseUrl: string, judgment: object, opts: Parameters<typeof signedPush>[1] = {}) => {
  const signed = signedPush(JSON.stringify(judgment), opts);
  return send(baseUrl, 'pushQimen', { query: signed.query, body: signed.body, contentType: 'application/json' });
};
const shopexCallback = (baseUrl: string, token = SHOPEX_FAKE_TOKEN) => {
  const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', data: '{"trade":{"tid":"T-OPENAPI","aftersale_id":"9"}}', msg_id: 'msg-openapi' };
  fields.sign = signShopexParams(fields, token);
  return send(baseUrl, 'callbackShopex', { body: new URLSearchParams(fields), contentType: 'application/x-www-form-urlencoded' });
};
const duobaoyuPush = (baseUrl: string, secret = DUOBAOYU_FAKE_APP.appSecret) => {
  const body: Record<string, unknown> = { id: 'push-openapi', afterSaleOrderId: 'AS-OPENAPI', afterSaleStatus: '审核通过', pushTime: String(Date.now()) };
  body.sign = signDuobaoyuPush(body, secret);
  return send(baseUrl, 'callbackDuobaoyu', { body: JSON.stringify(body), contentType: 'application/json' });
};
/** Sends until the rate limit refuses (at most 3 tries): on `limited`, the second try. */
async function untilRefused(call: () => Promise<Answer>): Promise<Answer> {
  let answer = await call();
  for (let i = 0; i < 2 && answer.status !== 429; i++) answer = await call();
  return answer;
}
/** Passes the answer on after checking it says `text` (one of a status's several documented answers). */
const saying = (text: string) => (answer: Answer) => {
  expect(answer.text).toContain(text);
  return answer;
};
const claimId = async (env: Env, key: WorldRow['key'], route: string) =>
  (await env.svc.dataSource.getRepository(Claim).findOneByOrFail({ workOrderId: env.ids[key], route })).id;

type Case = [operationId: string, status: number, what: string, call: (env: Env) => Promise<Answer>];

/** The two callback routes: how to send each a signed callback, and a body to leave unfinished. */
const CALLBACKS = [
  { operationId: 'callbackShopex', path: '/callbacks/shopex', contentType: 'application/x-www-form-urlencoded', partialBody: 'msg_id=1&rsp=', signed: shopexCallback, answers: 'succ' },
  { operationId: 'callbackDuobaoyu', path: '/callbacks/duobaoyu', contentType: 'application/json', partialBody: '{"id":', signed: duobaoyuPush, answers: 'SUCCESS' },
];
const callbackCases = (c: (typeof CALLBACKS)[number]): Case[] => [
  [c.operationId, 200, `a stored callback (${c.answers})`, (e) => c.signed(e.svc.baseUrl).then(saying(c.answers))],
  [c.operationId, 200, 'a bad sign', (e) => c.signed(e.svc.baseUrl, 'not-the-secret')],
  [c.operationId, 408, 'a body that does not arrive in time', (e) => rawExchange(e.broken.baseUrl, unfinishedBody('POST', c.path, c.contentType, c.partialBody))],
  [c.operationId, 429, 'over the rate limit', (e) => untilRefused(() => c.signed(e.limited.baseUrl))],
  [c.operationId, 500, 'a callback that cannot be stored', (e) => c.signed(e.broken.baseUrl)],
  [c.operationId, 503, 'a callback while another holds the in-flight budget', async (e) => {
    const held = rawExchange(e.broken.baseUrl, unfinishedBody('POST', c.path, c.contentType, 'x'.repeat(CALLBACK_MAX_BODY_BYTES - 150)));
    await new Promise((r) => setTimeout(r, 300));
    const answer = await c.signed(e.broken.baseUrl);
    await held;
    return answer;
  }],
];

/** The errors retry and cancel share: a bad id, no token, a viewer's token, an unknown claim. */
const operatorActionErrors = (operationId: string): Case[] => [
  [operationId, 400, 'a claim id that is no number', (e) => send(e.svc.baseUrl, operationId, { token: TOKENS.operator, params: { id: 'x' } })],
  [operationId, 401, 'no token', (e) => send(e.svc.baseUrl, operationId, { params: { id: 1 } })],
  [operationId, 403, 'a viewer', (e) => send(e.svc.baseUrl, operationId, { token: TOKENS.viewer, params: { id: 1 } })],
  [operationId, 404, 'no such claim', (e) => send(e.svc.baseUrl, operationId, { token: TOKENS.operator, params: { id: 999_999 } })],
];

/** One real request per documented answer of every operation but 431 (below, for all). */
const CASES: Case[] = [
  ['getHealth', 200, 'the process runs', (e) => send(e.svc.baseUrl, 'getHealth')],
  ['getReadiness', 200, 'the database answers', (e) => send(e.svc.baseUrl, 'getReadiness')],
  ['getReadiness', 503, 'the database is gone', (e) => send(e.broken.baseUrl, 'getReadiness')],
  ['getMetrics', 200, 'Prometheus text', (e) => send(e.svc.baseUrl, 'getMetrics')],
  ['getMetrics', 404, 'METRICS=off', (e) => fetch(e.metricsOffUrl).then(toAnswer)],
  ['getOpenApiDocument', 200, 'the document', (e) => send(e.svc.baseUrl, 'getOpenApiDocument')],
  ['pushQimen', 200, 'a stored push', (e) => push(e.svc.baseUrl, { ...specExample(), externalOrderId: 'OPENAPI-1' }).then(saying('"errorId":"success"'))],
  ['pushQimen', 200, 'a push with a bad sign (failure envelope)', (e) => push(e.svc.baseUrl, specExample(), { secret: 'not-the-secret' }).then(saying('sign-check-failure'))],
  ['pushQimen', 200, 'a body over qimen.maxBodyBytes (error "413" in the envelope)', (e) =>
    push(e.broken.baseUrl, { ...specExample(), description: 'x'.repeat(MAX_BODY_BYTES) }).then(saying('body-too-large'))],
  ['pushQimen', 408, 'a body that does not arrive in time', (e) =>
    rawExchange(e.broken.baseUrl, unfinishedBody('POST', `/qimen?${signedPush('{}').query}`, 'application/json', '{"workOrderId"'))],
  ['pushQimen', 500, 'a push that cannot be stored', (e) => push(e.broken.baseUrl, specExample())],
  ['pushQimen', 200, 'a push sent with format=xml (the XML envelope)', (e) =>
    push(e.svc.baseUrl, { ...specExample(), externalOrderId: 'OPENAPI-XML' }, { extra: { format: 'xml' } }).then(saying('<flag>success</flag>'))],
  ['pushQimen', 503, 'a body while another holds the in-flight budget', async (e) => {
    const held = rawExchange(e.broken.baseUrl, unfinishedBody('POST', `/qimen?${signedPush('{}').query}`, 'application/json', 'x'.repeat(3000)));
    await new Promise((r) => setTimeout(r, 300));
    const answer = await push(e.broken.baseUrl, { ...specExample(), description: 'x'.repeat(1500) });
    await held;
    return saying('server-busy')(answer);
  }],
  ...CALLBACKS.flatMap(callbackCases),
  ['getMe', 200, 'the viewer', (e) => send(e.svc.baseUrl, 'getMe', { token: TOKENS.viewer })],
  ['getMe', 401, 'no token', (e) => send(e.svc.baseUrl, 'getMe')],
  ['listJudgments', 200, 'a page', (e) => send(e.svc.baseUrl, 'listJudgments', { token: TOKENS.viewer, query: 'limit=3' })],
  ['listJudgments', 400, 'a bad limit', (e) => send(e.svc.baseUrl, 'listJudgments', { token: TOKENS.viewer, query: 'limit=0' })],
  ['listJudgments', 401, 'an unknown token', (e) => send(e.svc.baseUrl, 'listJudgments', { token: 'not-a-token' })],
  ['exportJudgmentsCsv', 200, 'the CSV', (e) => send(e.svc.baseUrl, 'exportJudgmentsCsv', { token: TOKENS.viewer })],
  ['exportJudgmentsCsv', 400, 'an unknown parameter', (e) => send(e.svc.baseUrl, 'exportJudgmentsCsv', { token: TOKENS.viewer, query: 'limit=3' })],
  ['exportJudgmentsCsv', 401, 'no token', (e) => send(e.svc.baseUrl, 'exportJudgmentsCsv')],
  ['exportJudgmentsCsv', 400, 'an unknown time zone', (e) => send(e.svc.baseUrl, 'exportJudgmentsCsv', { token: TOKENS.viewer, query: 'tz=Mars/Olympus_Mons' })],
  ...['exportJudgmentsXlsx', 'exportClaimsXlsx', 'exportSettlementsXlsx'].flatMap((operationId): Case[] => [
    [operationId, 200, 'the workbook in Asia/Shanghai', (e) => send(e.svc.baseUrl, operationId, { token: TOKENS.viewer, query: 'tz=Asia/Shanghai' })],
    [operationId, 400, 'an unknown time zone', (e) => send(e.svc.baseUrl, operationId, { token: TOKENS.viewer, query: 'tz=Mars/Olympus_Mons' })],
    [operationId, 401, 'no token', (e) => send(e.svc.baseUrl, operationId)],
  ]),
  ['getJudgment', 200, 'a work order whose claim has attempts, events and audit entries', async (e) => {
    const answer = await send(e.svc.baseUrl, 'getJudgment', { token: TOKENS.viewer, params: { workOrderId: e.ids.A } });
    const [claim] = JSON.parse(answer.text).claims;
    expect({ attempts: claim.attempts.length > 0, events: claim.events.length > 0, audit: claim.audit.length > 0 }).toEqual({ attempts: true, events: true, audit: true });
    return answer;
  }],
  ['getJudgment', 400, 'a work order id that is no number', (e) => send(e.svc.baseUrl, 'getJudgment', { token: TOKENS.viewer, params: { workOrderId: 'x' } })],
  ['getJudgment', 401, 'no token', (e) => send(e.svc.baseUrl, 'getJudgment', { params: { workOrderId: e.ids.D } })],
  ['getJudgment', 404, 'no such work order', (e) => send(e.svc.baseUrl, 'getJudgment', { token: TOKENS.viewer, params: { workOrderId: 999_999 } })],
  ['previewRoutes', 200, 'the preview', (e) => send(e.svc.baseUrl, 'previewRoutes', { token: TOKENS.viewer, params: { workOrderId: e.ids.D } })],
  ['previewRoutes', 400, 'a work order id that is no number', (e) => send(e.svc.baseUrl, 'previewRoutes', { token: TOKENS.viewer, params: { workOrderId: 'x' } })],
  ['previewRoutes', 401, 'no token', (e) => send(e.svc.baseUrl, 'previewRoutes', { params: { workOrderId: e.ids.D } })],
  ['previewRoutes', 404, 'no such work order', (e) => send(e.svc.baseUrl, 'previewRoutes', { token: TOKENS.viewer, params: { workOrderId: 999_999 } })],
  ['listRejectedPushes', 200, 'a page holding a refused push', async (e) => {
    await push(e.svc.baseUrl, { ...specExample(), externalOrderId: 'OPENAPI-REFUSED', judgeResult: { ...specExample().judgeResult, warehouseRatio: 101 } }).then(saying('invalid-parameter'));
    return send(e.svc.baseUrl, 'listRejectedPushes', { token: TOKENS.viewer }).then(saying('invalid-parameter'));
  }],
  ['listRejectedPushes', 400, 'an unknown errorId', (e) => send(e.svc.baseUrl, 'listRejectedPushes', { token: TOKENS.viewer, query: 'errorId=nope' })],
  ['listRejectedPushes', 401, 'no token', (e) => send(e.svc.baseUrl, 'listRejectedPushes')],
  ['getRejectedPush', 200, 'the refused push with its raw push', async (e) => {
    await push(e.svc.baseUrl, { ...specExample(), externalOrderId: 'OPENAPI-REFUSED-2', judgeResult: { ...specExample().judgeResult, warehouseRatio: 102 } });
    const list = JSON.parse((await send(e.svc.baseUrl, 'listRejectedPushes', { token: TOKENS.viewer })).text);
    return send(e.svc.baseUrl, 'getRejectedPush', { token: TOKENS.viewer, params: { id: list.items[0].id } }).then(saying('OPENAPI-REFUSED-2'));
  }],
  ['getRejectedPush', 400, 'a bad id', (e) => send(e.svc.baseUrl, 'getRejectedPush', { token: TOKENS.viewer, params: { id: 'x' } })],
  ['getRejectedPush', 401, 'no token', (e) => send(e.svc.baseUrl, 'getRejectedPush', { params: { id: 1 } })],
  ['getRejectedPush', 404, 'an unknown id', (e) => send(e.svc.baseUrl, 'getRejectedPush', { token: TOKENS.viewer, params: { id: 999999 } })],
  ['listClaims', 200, 'a page', (e) => send(e.svc.baseUrl, 'listClaims', { token: TOKENS.viewer })],
  ['listClaims', 400, 'an unknown flag', (e) => send(e.svc.baseUrl, 'listClaims', { token: TOKENS.viewer, query: 'flag=payment-differs' })],
  ['listClaims', 401, 'no token', (e) => send(e.svc.baseUrl, 'listClaims')],
  ['retryClaim', 200, 'a dead claim', async (e) => send(e.svc.baseUrl, 'retryClaim', { token: TOKENS.operator, params: { id: await claimId(e, 'D', 'whole-refund') } })],
  ['retryClaim', 409, 'a pending claim', async (e) => send(e.svc.baseUrl, 'retryClaim', { token: TOKENS.operator, params: { id: await claimId(e, 'F', 'warehouse-share') } })],
  ...['retryClaim', 'cancelClaim'].flatMap(operatorActionErrors),
  ...['retryClaim', 'cancelClaim'].map((operationId): Case => [operationId, 503, 'a body over finance.maxInFlightBodyBytes', (e) =>
    send(e.limited.baseUrl, operationId, { token: TOKENS.operator, params: { id: 1 }, body: 'x'.repeat(100), contentType: 'text/plain' })]),
  ['cancelClaim', 200, 'a pending claim', async (e) => send(e.svc.baseUrl, 'cancelClaim', { token: TOKENS.operator, params: { id: await claimId(e, 'D', 'warehouse-share') } })],
  ['cancelClaim', 409, 'a completed claim', async (e) => send(e.svc.baseUrl, 'cancelClaim', { token: TOKENS.operator, params: { id: await claimId(e, 'C', 'warehouse-share') } })],
  ['cancelClaim', 502, 'an accepted appintf claim whose refund id appintf has not given', async (e) =>
    send(e.svc.baseUrl, 'cancelClaim', { token: TOKENS.operator, params: { id: await claimId(e, 'B', 'whole-refund') } })],
  ['getSummary', 200, 'the totals', (e) => send(e.svc.baseUrl, 'getSummary', { token: TOKENS.viewer })],
  ['getSummary', 400, 'a bad date', (e) => send(e.svc.baseUrl, 'getSummary', { token: TOKENS.viewer, query: 'from=2026-02-30' })],
  ['getSummary', 401, 'no token', (e) => send(e.svc.baseUrl, 'getSummary')],
  ['getReconciliation', 200, 'the per-platform view', (e) => send(e.svc.baseUrl, 'getReconciliation', { token: TOKENS.viewer })],
  ['getReconciliation', 400, 'an unknown platform', (e) => send(e.svc.baseUrl, 'getReconciliation', { token: TOKENS.viewer, query: 'platform=nowhere' })],
  ['getReconciliation', 401, 'no token', (e) => send(e.svc.baseUrl, 'getReconciliation')],
  ['getDailySummary', 200, 'the days', (e) => send(e.svc.baseUrl, 'getDailySummary', { token: TOKENS.viewer, query: 'utcOffsetMinutes=480' })],
  ['getDailySummary', 400, 'an offset out of range', (e) => send(e.svc.baseUrl, 'getDailySummary', { token: TOKENS.viewer, query: 'utcOffsetMinutes=900' })],
  ['getDailySummary', 401, 'no token', (e) => send(e.svc.baseUrl, 'getDailySummary')],
  ['importSettlements', 200, 'a dry run of a statement', (e) => send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.operator, query: 'dryRun=1', body: STATEMENT, contentType: 'text/csv' })],
  ['importSettlements', 400, 'a header row without the needed columns', (e) => send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.operator, body: 'platform\r\nappintf', contentType: 'text/csv' })],
  ['importSettlements', 401, 'no token', (e) => send(e.svc.baseUrl, 'importSettlements', { body: STATEMENT, contentType: 'text/csv' })],
  ['importSettlements', 403, 'a viewer', (e) => send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.viewer, body: STATEMENT, contentType: 'text/csv' })],
  ['importSettlements', 413, 'a statement over finance.maxStatementBytes', (e) =>
    send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.operator, body: STATEMENT + '\r\n'.repeat(MAX_STATEMENT_BYTES), contentType: 'text/csv' })],
  ['importSettlements', 415, 'a JSON body', (e) => send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.operator, body: '{}', contentType: 'application/json' })],
  ['listSettlements', 200, 'a page holding an imported line', async (e) => {
    const imported = await send(e.svc.baseUrl, 'importSettlements', { token: TOKENS.operator, body: STATEMENT, contentType: 'text/csv' });
    expect(JSON.parse(imported.text)).toMatchObject({ rows: 1, unmatched: 1 });
    return send(e.svc.baseUrl, 'listSettlements', { token: TOKENS.viewer }).then(saying('L-OPENAPI'));
  }],
  ['listSettlements', 400, 'an unknown unmatched value', (e) => send(e.svc.baseUrl, 'listSettlements', { token: TOKENS.viewer, query: 'unmatched=yes' })],
  ['listSettlements', 401, 'no token', (e) => send(e.svc.baseUrl, 'listSettlements')],
  ['redirectToFinancePage', 301, 'to /finance/', (e) => send(e.svc.baseUrl, 'redirectToFinancePage')],
  ['redirectToFinancePage', 400, 'a request the server cannot parse (default)', (e) => rawExchange(e.svc.baseUrl, unparsableRequest('GET', '/finance'))],
  ['getFinancePage', 200, 'the page', (e) => send(e.svc.baseUrl, 'getFinancePage')],
  ...['finance.js', 'finance-messages.js', 'finance.css', 'favicon.svg'].map((file): Case => ['getFinanceAsset', 200, file, (e) => send(e.svc.baseUrl, 'getFinanceAsset', { params: { file } })]),
  ['getFinanceAsset', 404, 'no such file', (e) => send(e.svc.baseUrl, 'getFinanceAsset', { params: { file: 'secrets.txt' } })],
];

/** Gives work order A's claim what the detail view shows: a send attempt, and an operator's cancel (its event and audit entry). */
async function withHistory(env: Env): Promise<void> {
  const id = await claimId(env, 'A', 'warehouse-share');
  const at = new Date();
  await env.svc.dataSource.getRepository(ClaimAttempt).insert({
    claimId: id, attemptNo: 1, workerId: 'openapi-test', startedAt: at, finishedAt: at, latencyMs: 12, outcome: 'submitted', httpStatus: 200,
    errorCode: null, errorMessage: null, request: JSON.stringify({ url: 'http://127.0.0.1:9/agent/v1/claims', body: { type: '1' } }), response: '{"code":0,"data":{"id":"G-1"}}',
  });
  const cancelled = await send(env.svc.baseUrl, 'cancelClaim', { token: TOKENS.operator, params: { id } });
  expect(cancelled.status).toBe(200);
}

/** The concrete path of an operation with every parameter filled in. */
const concrete = (path: string) => path.replace('{file}', 'finance.js').replace(/\{\w+\}/g, '1');

/** A server for the /metrics route of the metrics module loaded as under METRICS=off (read once, at load). */
async function startMetricsOff(): Promise<{ url: string; close: () => Promise<void> }> {
  const saved = process.env.METRICS;
  process.env.METRICS = 'off';
  let metrics: typeof import('../../src/metrics') | undefined;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously
      metrics = require('../../src/metrics');
    });
  } finally {
    if (saved === undefined) delete process.env.METRICS;
    else process.env.METRICS = saved;
  }
  const app = new Koa();
  const router = new Router();
  router.get('/metrics', metrics!.metricsRoute({} as never));
  app.use(edgeErrors(createLogger({ level: 'silent' }))).use(router.routes());
  const server = createHttpServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(TEST_DATABASES)('every documented answer against real answers (%s)', (kind) => {
  const answers = new DocumentedAnswers(OPENAPI_DOCUMENT as never);
  const env = {} as Env;
  let closeMetricsOff: () => Promise<void>;
  beforeAll(async () => {
    env.svc = await startTestService(kind, {
      ...FINANCE_CONFIG, platforms: { ...FINANCE_CONFIG.platforms, ...CALLBACK_PLATFORMS }, finance: { ...FINANCE_CONFIG.finance, maxStatementBytes: MAX_STATEMENT_BYTES },
    });
    env.ids = await buildWorld(env.svc);
    await withHistory(env);
    env.broken = await startTestService(kind, {
      qimen: { apps: [TEST_APP], maxBodyBytes: MAX_BODY_BYTES, maxInFlightBodyBytes: MAX_BODY_BYTES }, platforms: CALLBACK_PLATFORMS, callbacks: { maxInFlightBodyBytes: CALLBACK_MAX_BODY_BYTES },
    }, { server: { requestTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS } });
    await env.broken.dataSource.destroy();
    const frozen = Date.now();
    env.limited = await startTestService(kind, {
      platforms: CALLBACK_PLATFORMS, rateLimits: { callbacks: { perIpPerSecond: 1 } }, finance: { tokens: FINANCE_CONFIG.finance.tokens, maxInFlightBodyBytes: 10 },
    }, { now: () => frozen });
    const metricsOff = await startMetricsOff();
    env.metricsOffUrl = metricsOff.url;
    closeMetricsOff = metricsOff.close;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([env.svc?.close(), env.broken?.close(), env.limited?.close(), closeMetricsOff?.()]);
  });

  it.each(CASES)('%s answers %i as documented: %s', async (operationId, status, _what, call) => {
    const answer = await call(env);
    expect(`${answer.status} ${answer.text.slice(0, 300)}`).toMatch(new RegExp(`^${status} `));
    answers.check(operationId, answer);
  });

  it.each(OPERATIONS.map((op) => [op.operationId, op.method, op.path]))('%s answers 431 as documented to headers over the limit', async (operationId, method, path) => {
    const answer = await rawExchange(env.svc.baseUrl, oversizedHeaders(method, concrete(path)));
    expect(answer.status).toBe(431);
    answers.check(operationId, answer);
  });

  it('has checked a real answer for every answer the document lists', () => {
    expect(answers.documented().filter((a) => !answers.checked.has(a))).toEqual([]);
    expect(answers.checked.size).toBeGreaterThan(OPERATIONS.length * 2);
  });

  it('serves /openapi.json as built, without auth', async () => {
    const res = await fetch(`${env.svc.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });
});
