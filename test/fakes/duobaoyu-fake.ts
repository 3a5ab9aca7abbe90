/**
 * A fake Duobaoyu gateway for `dby.scm.aftersale.apply` (Duobaoyu's 创建售后单 document; docs/platforms.md).
 * Checks the query's method/appKey/version, the 13-digit timestamp (5-minute tolerance), the sign
 * (src/verify/duobaoyu-sign.ts, with the assumed `appSecret` strategy), then the body's required fields
 * and Java types (afterSaleType and skuNum JSON integers, remark ≤ 100, pickUpWare unless 仅退款).
 * Answers the spec's envelopes; every failure is the spec's one documented error code `"1"` with a
 * message naming the cause (ASSUMPTION: the real per-cause codes are not documented). No dedupe: the
 * spec says nothing about a second apply for the same orderItemId.
 *
 * Status pushes: `pushStatus(afterSaleOrderId, state, opts)` POSTs a signed JSON push (`id`, `pushTime`,
 * `afterSaleOrderId`, `afterSaleStatus`, `sign`; the ASSUMED names and sign rule of
 * src/platforms/duobaoyu/push.ts) to `pushUrl` and retries until the answer text is exactly `SUCCESS`.
 * The spec's schedule (now, 10 s, 30 s, 1 m, 2 m, 3 m, 4 m, 5 m) is read as the wait before each try
 * (ASSUMED: the spec does not say whether they are gaps or offsets); `retrySchedule` replaces it so tests
 * use milliseconds, and at most 8 tries are made whatever its length. Faults per push: `badSign` (signed
 * with another secret), `duplicate` (each try posted twice in a row), `drop` (the first n tries are lost:
 * nothing is sent, they still count), `pushTime` (an older time, to deliver pushes out of order) and `id`
 * (reuse an id, as a redelivery does). Loopback targets only; waits and in-flight pushes end on close().
 *
 * With `autoPush`, the fake behaves as the platform does after an apply: each of `steps` is pushed (as
 * pushStatus does, retried on the spec's schedule) `afterMs` after the step before, the first one after the
 * apply answered, e.g. 审核通过 then 已完成.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { signDuobaoyuPush } from '../../src/platforms/duobaoyu/push';
import { verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';
import { type FakeListenOptions, assertLoopback, closableSleeps, type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const DUOBAOYU_FAKE_APP = { appKey: 'TEST_APP_KEY', appSecret: 'TEST_APP_SECRET' };
const PATH = '/open/api';
const METHOD = 'dby.scm.aftersale.apply';
const TOLERANCE_MS = 5 * 60 * 1000;

/** The spec's push retry schedule: the wait before each of the 8 tries. */
export const DUOBAOYU_PUSH_SCHEDULE_MS: readonly number[] = [0, 10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000];
export const DUOBAOYU_PUSH_MAX_TRIES = 8;
const PUSH_TIMEOUT_MS = 5000;

export interface DuobaoyuFakeOptions extends FakeListenOptions {
  appKey?: string;
  appSecret?: string;
  /** Where status pushes go (our `POST /callbacks/duobaoyu`); loopback only. Also settable later. */
  pushUrl?: string;
  /** State changes pushed by themselves after every apply (needs `pushUrl`). */
  autoPush?: { steps: Array<{ afterMs: number; state: string }> };
}

export interface DuobaoyuFakeAfterSale {
  afterSaleOrderId: string;
  body: Record<string, unknown>;
  /** The after-sale's state: 待审核 on apply, then what pushStatus last pushed. */
  state: string;
}

export interface DuobaoyuPushOptions {
  /** The push's idempotency key; default a fresh one (reuse one to redeliver the same push). */
  id?: string;
  /** Default now; an older time delivers a push "out of order". */
  pushTime?: number;
  /** Sign with another secret (a forged push). */
  badSign?: boolean;
  /** Post each try twice in a row. */
  duplicate?: boolean;
  /** The first `drop` tries are lost: nothing is sent, they still count. */
  drop?: number;
  /** The wait in ms before each try (default the spec's); at most 8 tries are made. */
  retrySchedule?: number[];
}

/** One post of a push and our service's answer (status 0 and an `error` when none came). */
export interface DuobaoyuPushTry {
  status: number;
  body: string;
  error?: string;
}

export interface DuobaoyuPushRecord {
  push: Record<string, unknown>;
  /** Every post made (a dropped try posts nothing). */
  tries: DuobaoyuPushTry[];
  /** True when a try was answered with exactly `SUCCESS`. */
  delivered: boolean;
}

export interface DuobaoyuFake extends Omit<FakeServer, 'origin'> {
  /** `http://127.0.0.1:<port>/open/api`, as the config's baseUrl. */
  baseUrl: string;
  afterSales: DuobaoyuFakeAfterSale[];
  /** Every push started by pushStatus, in order. */
  pushes: DuobaoyuPushRecord[];
  /** Where pushes go from now on. */
  setPushUrl(url: string): void;
  /**
   * Pushes a state change of `afterSaleOrderId`, retrying until answered `SUCCESS` (at most 8 tries);
   * resolves to every post's answer, in order (early, with what it has, when the fake closes).
   */
  pushStatus(afterSaleOrderId: string, state: string, opts?: DuobaoyuPushOptions): Promise<DuobaoyuPushTry[]>;
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
    afterSales.push({ afterSaleOrderId, body, state: '待审核' });
    if (options.autoPush) void pushSteps(afterSaleOrderId, options.autoPush.steps);
    return { body: { code: '0', msg: '请求成功', data: { afterSaleOrderId, result: true }, msgId: msgId() } };
  }

  const agent = new Agent();
  const sleeps = closableSleeps();
  const { sleep } = sleeps;
  const running = new Set<Promise<DuobaoyuPushTry[]>>();
  const pushes: DuobaoyuPushRecord[] = [];
  let pushUrl = options.pushUrl;
  let pushCount = 0;


  async function post(url: string, push: Record<string, unknown>): Promise<DuobaoyuPushTry> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(push),
        dispatcher: agent,
        headersTimeout: PUSH_TIMEOUT_MS,
        bodyTimeout: PUSH_TIMEOUT_MS,
      });
      return { status: res.statusCode, body: await res.body.text() };
    } catch (error) {
      return { status: 0, body: '', error: error instanceof Error ? error.message : String(error) };
    }
  }

  async function deliver(url: string, record: DuobaoyuPushRecord, opts: DuobaoyuPushOptions): Promise<DuobaoyuPushTry[]> {
    const schedule = (opts.retrySchedule ?? DUOBAOYU_PUSH_SCHEDULE_MS).slice(0, DUOBAOYU_PUSH_MAX_TRIES);
    for (let attempt = 0; attempt < schedule.length && !record.delivered; attempt++) {
      if (!(await sleep(schedule[attempt]))) break;
      if (attempt < (opts.drop ?? 0)) continue;
      for (let copy = 0; copy < (opts.duplicate ? 2 : 1) && !sleeps.closed; copy++) {
        const answer = await post(url, record.push);
        record.tries.push(answer);
        if (answer.body === 'SUCCESS') record.delivered = true;
      }
    }
    return record.tries;
  }

  function pushStatus(afterSaleOrderId: string, state: string, opts: DuobaoyuPushOptions = {}): Promise<DuobaoyuPushTry[]> {
    if (!pushUrl) return Promise.reject(new Error('no pushUrl: pass it as an option or call setPushUrl'));
    if (sleeps.closed) return Promise.reject(new Error('the fake is closed'));
    const url = pushUrl;
    assertLoopback(url);
    pushCount++;
    const unsigned: Record<string, unknown> = {
      id: opts.id ?? `push-${pushCount}-${randomBytes(4).toString('hex')}`,
      pushTime: opts.pushTime ?? Date.now(),
      afterSaleOrderId,
      afterSaleStatus: state,
    };
    const push = { ...unsigned, sign: signDuobaoyuPush(unsigned, opts.badSign ? `not-${appSecret}` : appSecret) };
    const record: DuobaoyuPushRecord = { push, tries: [], delivered: false };
    pushes.push(record);
    const afterSale = afterSales.find((a) => a.afterSaleOrderId === afterSaleOrderId);
    if (afterSale) afterSale.state = state;
    const run = deliver(url, record, opts).finally(() => running.delete(run));
    running.add(run);
    return run;
  }

  /** Pushes each step `afterMs` after the one before; a push's own retries run beside the next step's wait. */
  async function pushSteps(afterSaleOrderId: string, steps: Array<{ afterMs: number; state: string }>): Promise<void> {
    for (const step of steps) {
      if (!(await sleep(step.afterMs))) return;
      pushStatus(afterSaleOrderId, step.state).catch(() => undefined); // no pushUrl or closed: nothing to push to
    }
  }

  const server = await startFakeServer(handle, options.port);
  return {
    baseUrl: `${server.origin}${PATH}`,
    requests: server.requests,
    failNext: server.failNext,
    afterSales,
    pushes,
    setPushUrl(url) {
      assertLoopback(url);
      pushUrl = url;
    },
    pushStatus,
    async close() {
      sleeps.close();
      await agent.destroy();
      await Promise.allSettled([...running]);
      await server.close();
    },
  };
}
