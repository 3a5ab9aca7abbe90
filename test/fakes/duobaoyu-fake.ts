/**
 * A fake Duobaoyu gateway for `dby.scm.aftersale.apply` (shared/specs/duobaoyu-aftersale-apply.txt).
 * Checks the query's method/appKey/version, the 13-digit timestamp (5-minute tolerance), the sign
 * (src/verify/duobaoyu-sign.ts, with the assumed `appSecret` strategy), then the body's required fields
 * and Java types (afterSaleType and skuNum JSON integers, remark ≤ 100, pickUpWare unless 仅退款).
 * Answers the spec's envelopes; every failure is the spec's one documented error code `"1"` with a
 * message naming the cause (ASSUMPTION: the real per-cause codes are not documented). No dedupe: the
 * spec says nothing about a second apply for the same orderItemId.
 */
import { randomBytes } from 'node:crypto';
import { verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';
import { type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const DUOBAOYU_FAKE_APP = { appKey: 'TEST_APP_KEY', appSecret: 'TEST_APP_SECRET' };
const PATH = '/open/api';
const METHOD = 'dby.scm.aftersale.apply';
const TOLERANCE_MS = 5 * 60 * 1000;

export interface DuobaoyuFakeOptions {
  appKey?: string;
  appSecret?: string;
}

export interface DuobaoyuFakeAfterSale {
  afterSaleOrderId: string;
  body: Record<string, unknown>;
}

export interface DuobaoyuFake extends Omit<FakeServer, 'origin'> {
  /** `http://127.0.0.1:<port>/open/api`, as the config's baseUrl. */
  baseUrl: string;
  afterSales: DuobaoyuFakeAfterSale[];
}

const msgId = (): string => randomBytes(8).toString('hex');
const failure = (msg: string, code = '1'): FakeReply => ({ body: { code, msg, data: null, msgId: msgId() } });
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
const isText = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** The first rule of the spec the body breaks, or null. */
function bodyProblem(body: Record<string, unknown>): string | null {
  for (const key of ['orderItemId', 'skuCode', 'reasonCode', 'reasonName']) if (!isText(body[key])) return `${key} 不能为空`;
  if (!isInt(body.afterSaleType) || (body.afterSaleType as number) < 1 || (body.afterSaleType as number) > 4) return 'afterSaleType 不合法';
  if (!isInt(body.refundFreightAmount)) return 'refundFreightAmount 不能为空';
  const refundOnly = body.afterSaleType === 4;
  if (!refundOnly && !isInt(body.skuNum)) return 'skuNum 不能为空';
  if (!refundOnly && !isText((body.pickUpWare as Record<string, unknown> | undefined)?.pickupWare)) return 'pickupWare 不能为空';
  if (body.remark !== undefined && (typeof body.remark !== 'string' || body.remark.length > 100)) return '售后描述限100字符';
  return null;
}

export async function startFakeDuobaoyu(options: DuobaoyuFakeOptions = {}): Promise<DuobaoyuFake> {
  const appKey = options.appKey ?? DUOBAOYU_FAKE_APP.appKey;
  const appSecret = options.appSecret ?? DUOBAOYU_FAKE_APP.appSecret;
  const afterSales: DuobaoyuFakeAfterSale[] = [];

  function handle(req: RecordedRequest, forcedCode: string | null): FakeReply {
    if (req.path !== PATH || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    if (forcedCode) return failure('forced error', forcedCode);
    const q = req.query;
    if (q.method !== METHOD) return failure('method 不存在');
    if (q.appKey !== appKey) return failure('appKey 不存在');
    if (q.version !== 'v1') return failure('version 不合法');
    if (!/^\d{13}$/.test(param(q, 'timestamp')) || Math.abs(Date.now() - Number(q.timestamp)) > TOLERANCE_MS) return failure('timestamp 已过期');
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return failure('body 不合法');
    const body = req.body as Record<string, unknown>;
    const system = { method: q.method, appKey: q.appKey, timestamp: q.timestamp, version: q.version };
    if (!verifyDuobaoyuSign(system, body, appSecret, param(q, 'sign'))) return failure('签名错误');
    const problem = bodyProblem(body);
    if (problem) return failure(problem);
    const afterSaleOrderId = String(1597771590437830656n + BigInt(afterSales.length));
    afterSales.push({ afterSaleOrderId, body });
    return { body: { code: '0', msg: '请求成功', data: { afterSaleOrderId, result: true }, msgId: msgId() } };
  }

  const server = await startFakeServer(handle);
  return { baseUrl: `${server.origin}${PATH}`, requests: server.requests, failNext: server.failNext, close: server.close, afterSales };
}
