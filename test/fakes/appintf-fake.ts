/**
 * A fake cross-border app (`/appIntf/refund/…`, the app's wiki page app/refund; docs/platforms.md): the `common_session_id`
 * cookie (-2 when missing or wrong), submitRefund (POST only, -3 otherwise), refundList, getRefund and
 * cancel, with the spec's status codes. A sign is checked only when a signer is configured (-4).
 *
 * ASSUMPTIONS of this fake, where the spec is silent or unclear:
 * - answers are the bare object `{status, msg, data}` (the spec prints `result { … }`);
 * - a second submit for the same order answers 41 within 3 s of the last one, 54 after (a refund exists);
 * - the spec lists cancel under the URL of refundList.jsp with POST; the fake follows it literally (a GET
 *   there stays the list);
 * - refund statuses follow src/platforms/appintf/statuses.ts (all ASSUMED): 1 submitted, 2 accepted,
 *   3 completed, 4 rejected, 5 cancelled; a cancel sets 5; a refund already 3, 4 or 5 cannot be cancelled
 *   and answers 18 (listed under getRefund in the spec, but its text is about cancelling); a cancel of a
 *   refund that does not exist answers -1; an order not of the account answers 17 everywhere;
 * - a cancelled refund does not block a new submit for its order;
 * - getRefund answers 17 for a refund it does not know too; its `refund` is a one-element list (the
 *   spec's `refund:{[ … ]}` is not valid JSON), beside `data.status`, both carrying the status;
 * - refundList lists newest first.
 *
 * Over time: `setRefundStatus(refundId, status)` moves a refund at once; with `progression` every refund
 * takes the listed statuses in order after its submit's '1', one every `everyMs` (a refund whose status
 * changed otherwise, by a cancel or setRefundStatus, stops progressing). Timers end on close().
 */
import type { AppintfSigner } from '../../src/verify/appintf-sign';
import { verifyAppintfSign } from '../../src/verify/appintf-sign';
import { type FakeListenOptions, closableSleeps, type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const APPINTF_FAKE_SESSION = 'fake-session-7f3a9c';
export const APPINTF_FAKE_ORDER_ID = 123456;
const RESUBMIT_WINDOW_MS = 3000;

export interface AppintfFakeOptions extends FakeListenOptions {
  sessionId?: string;
  /** Orders of the logged-in account; others answer 17. Default [123456]; `'any'`: every order id is the account's. */
  orders?: number[] | 'any';
  /** Orders whose state allows no claim (53). */
  ineligibleOrders?: number[];
  /** When set, every request must carry the sign this signer computes (-4 otherwise). */
  signer?: AppintfSigner;
  /** Moves every refund through `statuses` (after its initial '1'), one step every `everyMs`. */
  progression?: { everyMs: number; statuses: string[] };
}

export interface AppintfFakeRefund {
  refundId: number;
  orderId: number;
  refundNo: string;
  status: string;
  causeType: number;
  cause: string;
  proofs: string;
  submittedAt: number;
}

export interface AppintfFake extends Omit<FakeServer, 'origin'> {
  /** `http://127.0.0.1:<port>`, as the config's baseUrl. */
  baseUrl: string;
  sessionId: string;
  refunds: AppintfFakeRefund[];
  /** Sets a refund's status now (a refund the fake does not know throws). */
  setRefundStatus(refundId: string | number, status: string): void;
}

/** Statuses from which a refund can no longer be cancelled (ASSUMED: completed, rejected, cancelled). */
const FINAL_STATUSES = ['3', '4', '5'];
export const APPINTF_FAKE_CANCELLED = '5';

const status = (code: number, msg: string, extra: Record<string, unknown> = {}): FakeReply => ({ body: { status: code, msg, ...extra } });
const OK_MSG = '请求成功';

function sessionOf(req: RecordedRequest): string | null {
  const cookie = req.headers.cookie ?? '';
  const match = /(?:^|;\s*)common_session_id=([^;]*)/.exec(cookie);
  return match ? decodeURIComponent(match[1]) : null;
}

export async function startFakeAppintf(options: AppintfFakeOptions = {}): Promise<AppintfFake> {
  const sessionId = options.sessionId ?? APPINTF_FAKE_SESSION;
  const orders = options.orders ?? [APPINTF_FAKE_ORDER_ID];
  const ownOrder = (orderId: unknown): boolean => {
    const id = Number(orderId);
    return orders === 'any' ? Number.isSafeInteger(id) && id > 0 : orders.includes(id);
  };
  const refunds: AppintfFakeRefund[] = [];
  const sleeps = closableSleeps();

  /** Schedules the progression's next step for a refund expected to be at `current`. */
  function progress(refund: AppintfFakeRefund, current: string, step: number): void {
    const plan = options.progression;
    if (!plan || sleeps.closed || step >= plan.statuses.length) return;
    void sleeps.sleep(plan.everyMs).then((awake) => {
      if (!awake || refund.status !== current) return; // the fake closed, or a cancel or setRefundStatus changed it: stop
      refund.status = plan.statuses[step];
      progress(refund, refund.status, step + 1);
    });
  }

  function submit(form: Record<string, string>): FakeReply {
    const orderId = Number(param(form, 'orderId'));
    if (!ownOrder(orderId)) return status(17, '订单不存在!');
    if (param(form, 'cause') === '' || !(Number(param(form, 'causeType')) > 0)) return status(50, '赔付理由不能为空');
    if (param(form, 'cause').length > 200) return status(51, '赔付说明不能超过200字');
    if (param(form, 'proofs') === '') return status(52, '赔付凭证照片不能为空');
    if (options.ineligibleOrders?.includes(orderId)) return status(53, '当前订单不能申请赔付!');
    const existing = refunds.find((r) => r.orderId === orderId && r.status !== APPINTF_FAKE_CANCELLED);
    if (existing && Date.now() - existing.submittedAt < RESUBMIT_WINDOW_MS) return status(41, '请勿重复提交!');
    if (existing) return status(54, '不能修改赔付申请!');
    const n = refunds.length + 1;
    const refund: AppintfFakeRefund = {
      refundId: 700000 + n,
      orderId,
      refundNo: String(1482816 + n),
      status: '1',
      causeType: Number(form.causeType),
      cause: form.cause,
      proofs: form.proofs,
      submittedAt: Date.now(),
    };
    refunds.push(refund);
    progress(refund, refund.status, 0);
    return status(1, OK_MSG);
  }

  function list(query: Record<string, string>): FakeReply {
    const pageNo = Math.max(1, Number(query.pageNo) || 1);
    const pageSize = Math.max(1, Number(query.pageSize) || 10);
    const page = [...refunds].reverse().slice((pageNo - 1) * pageSize, pageNo * pageSize);
    const data = page.map((r) => ({
      orderId: r.orderId,
      refundId: r.refundId,
      refundNo: Number(r.refundNo),
      status: r.status,
      imgUrl: 'http://img.example/1.jpg',
      enName: "ECCO Men's Dress Moccasin Penny Loafer",
      property: 'Size: 42 M EU / 8-8.5 D(M) US|Color: Black',
    }));
    return status(1, OK_MSG, { data });
  }

  function getRefund(query: Record<string, string>): FakeReply {
    if (!ownOrder(query.orderId)) return status(17, '订单不存在!');
    const refund = refunds.find((r) => String(r.refundId) === query.refundId && String(r.orderId) === query.orderId);
    if (!refund) return status(17, '订单不存在!');
    const detail = { refundStatus: Number(refund.status), aduitcustomer: '', processingDate: '', processingReason: '', causeType: refund.causeType, causeTypeDesc: refund.cause, proofs: refund.proofs };
    return status(1, OK_MSG, { data: { refundId: refund.refundId, orderId: refund.orderId, refundNo: refund.refundNo, status: Number(refund.status), refund: [detail] } });
  }

  function cancel(form: Record<string, string>): FakeReply {
    if (!ownOrder(form.orderId)) return status(17, '订单不存在!');
    const refund = refunds.find((r) => String(r.refundId) === form.refundId && String(r.orderId) === form.orderId);
    if (!refund) return status(-1, '请求失败');
    if (FINAL_STATUSES.includes(refund.status)) return status(18, '当前的订单状态不支持取消');
    refund.status = APPINTF_FAKE_CANCELLED;
    return status(1, OK_MSG);
  }

  function handle(req: RecordedRequest, forcedCode: string | null): FakeReply {
    const params = (req.method === 'POST' ? req.body : req.query) as Record<string, string>;
    if (forcedCode) return status(Number(forcedCode), 'forced error');
    if (sessionOf(req) !== sessionId) return status(-2, '未登录');
    if (options.signer && !verifyAppintfSign(params, options.signer)) return status(-4, '验证出错!');
    switch (req.path) {
      case '/appIntf/refund/submitRefund.jsp':
        return req.method === 'POST' ? submit(params) : status(-3, '非法请求!');
      case '/appIntf/refund/refundList.jsp':
        return req.method === 'POST' ? cancel(params) : list(params);
      case '/appIntf/refund/getRefund.jsp':
        return getRefund(params);
      default:
        return { status: 404, body: 'Not Found' };
    }
  }

  const server = await startFakeServer(handle, options.port);
  return {
    baseUrl: server.origin,
    requests: server.requests,
    failNext: server.failNext,
    sessionId,
    refunds,
    setRefundStatus(refundId, newStatus) {
      const refund = refunds.find((r) => String(r.refundId) === String(refundId));
      if (!refund) throw new Error(`no refund ${refundId}`);
      refund.status = newStatus;
    },
    async close() {
      sleeps.close();
      await server.close();
    },
  };
}
