/**
 * A fake Glitzcloud `POST /agent/v1/orders/saleAfter/add` (Glitzcloud's 新增赔付 document; docs/platforms.md).
 * Checks apikey/secretkey and the sign (src/verify/glitzcloud-sign.ts), the required fields and the
 * type-2 rule, and answers the spec's success and error envelopes.
 *
 * ASSUMPTIONS of this fake (the spec shows only status 200 and 2582):
 * - a bad apikey/secretkey or sign answers `{"status":401,…}`, a missing or malformed field `{"status":400,…}`;
 * - the warehouse dedupes on `connect_order_sn`: a second claim with the same one answers the existing
 *   order, creating nothing (what GlitzcloudClient relies on after an ambiguous failure);
 * - with `knownOutflowSns`, a connect_order_sn outside that list answers 2582 Invalid Outflow Sn.
 *
 * A new claim answers `status` 1 (处理中) / `customer_status` 0 (已创建), as the spec's example does;
 * `answerStatus` changes that (the sandbox's warehouse answers 2 已处理 / 1 待审核 at once: Glitzcloud has no
 * status push or query in the spec, so its answer is the only word the service ever gets).
 */
import { verifyGlitzcloudSign } from '../../src/verify/glitzcloud-sign';
import { type FakeListenOptions, type FakeReply, type FakeServer, param, type RecordedRequest, startFakeServer } from './fake-server';

export const GLITZCLOUD_FAKE_CREDENTIALS = { apikey: '85082f5f62a811e684f500163e06045f', secretkey: '85082f6862a811e684f500163e06045f' };

export interface GlitzcloudFakeOptions extends FakeListenOptions {
  apikey?: string;
  secretkey?: string;
  /** Outbound orders the warehouse knows; when given, any other connect_order_sn answers 2582. */
  knownOutflowSns?: string[];
  /** `status` / `customer_status` of a new claim; default the spec example's 1 / 0. */
  answerStatus?: { status: string; customerStatus: string };
}

export interface GlitzcloudFakeOrder {
  id: string;
  order_sn: string;
  connect_order_sn: string;
  type: string;
  status: string;
  customer_status: string;
  expected_payout_amount: string;
  problem_description: string;
  attachments: { name: string }[];
}

export interface GlitzcloudFake extends Omit<FakeServer, 'origin'> {
  /** `http://127.0.0.1:<port>/agent/v1`, as the config's baseUrl. */
  baseUrl: string;
  orders: GlitzcloudFakeOrder[];
}

const PATH = '/agent/v1/orders/saleAfter/add';
const REQUIRED = ['store_name', 'type', 'expected_payout_amount', 'problem_description'];
const ERROR_MESSAGES: Record<string, string> = { '2582': 'Invalid Outflow Sn' };

const error = (status: number, reqMsg: string): FakeReply => ({ body: { status, reqMsg, result: [] } });

function resultOf(order: GlitzcloudFakeOrder): Record<string, unknown> {
  return {
    ...order,
    customer_care_id: '4',
    approval_time: '0',
    reject_time: '0',
    auditing_time: '0',
    store_id: '13',
    submitter: '276',
    problem_level: '1',
    actual_payout_amount: '0',
    create_time: String(Math.floor(Date.now() / 1000)),
    is_delete: '0',
    attachments: order.attachments.map((a, i) => ({ id: String(3328 + i), name: a.name, add_time: '2026-05-12 09:17:09', oss_url: `http://oss.example/${a.name}` })),
  };
}

export async function startFakeGlitzcloud(options: GlitzcloudFakeOptions = {}): Promise<GlitzcloudFake> {
  const credentials = {
    apikey: options.apikey ?? GLITZCLOUD_FAKE_CREDENTIALS.apikey,
    secretkey: options.secretkey ?? GLITZCLOUD_FAKE_CREDENTIALS.secretkey,
  };
  const orders: GlitzcloudFakeOrder[] = [];

  function handle(req: RecordedRequest, forcedCode: string | null): FakeReply {
    if (req.path !== PATH || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    if (forcedCode) return error(Number(forcedCode), ERROR_MESSAGES[forcedCode] ?? 'Forced error');
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Invalid JSON');
    const fields = body as Record<string, unknown>;
    if (param(fields, 'apikey') !== credentials.apikey || param(fields, 'secretkey') !== credentials.secretkey) {
      return error(401, 'Invalid apikey');
    }
    if (!verifyGlitzcloudSign(fields, credentials)) return error(401, 'Invalid sign');
    const missing = REQUIRED.find((key) => param(fields, key) === '');
    if (missing) return error(400, `Missing parameter: ${missing}`);
    const type = param(fields, 'type');
    const connectOrderSn = param(fields, 'connect_order_sn');
    if (!/^[1-6]$/.test(type)) return error(400, 'Invalid type');
    if (type === '2' && connectOrderSn === '') return error(400, 'Missing parameter: connect_order_sn');
    if (!/^\d+\.\d{2}$/.test(param(fields, 'expected_payout_amount'))) return error(400, 'Invalid expected_payout_amount');
    if (connectOrderSn !== '' && options.knownOutflowSns && !options.knownOutflowSns.includes(connectOrderSn)) {
      return error(2582, 'Invalid Outflow Sn');
    }
    const existing = connectOrderSn === '' ? undefined : orders.find((o) => o.connect_order_sn === connectOrderSn);
    const order = existing ?? createOrder(fields, type, connectOrderSn);
    return { body: { status: 200, reqMsg: 'success', result: resultOf(order) } };
  }

  function createOrder(fields: Record<string, unknown>, type: string, connectOrderSn: string): GlitzcloudFakeOrder {
    const n = orders.length + 1;
    const attachments = Array.isArray(fields.attachments) ? (fields.attachments as { name: string }[]) : [];
    const order: GlitzcloudFakeOrder = {
      id: String(89 + n),
      order_sn: `GCQ${String(5122600000 + n)}`,
      connect_order_sn: connectOrderSn,
      type,
      status: options.answerStatus?.status ?? '1',
      customer_status: options.answerStatus?.customerStatus ?? '0',
      expected_payout_amount: param(fields, 'expected_payout_amount'),
      problem_description: param(fields, 'problem_description'),
      attachments: attachments.map((a) => ({ name: a.name })),
    };
    orders.push(order);
    return order;
  }

  const server = await startFakeServer(handle, options.port);
  return { baseUrl: `${server.origin}/agent/v1`, requests: server.requests, failNext: server.failNext, close: server.close, orders };
}
