import {
  APPINTF_ERROR_TABLE, APPINTF_STATUS_TABLE, AppintfClient, type AppintfConfig, AppintfLookupError, appintfClaimStatus,
  appintfErrorRule, interpretAppintfCancel, interpretAppintfSubmit, readAppintfRefundDetail,
} from '../../src/platforms/appintf';
import type { AppintfSigner } from '../../src/verify/appintf-sign';
import { APPINTF_FAKE_ORDER_ID, APPINTF_FAKE_SESSION, type AppintfFake, startFakeAppintf } from '../fakes';
import { claimOf, itClassifiesTransportFaults, TEST_TIMEOUT_MS } from './harness';

// The spec's examples (appintf-refund.txt): order 123456, cause type 1 "商品损坏", two proof URLs.
const SPEC_FIELDS = { orderId: String(APPINTF_FAKE_ORDER_ID), causeType: '1', cause: '商品损坏', proofs: 'http://url,http://url' };

let fake: AppintfFake;
let client: AppintfClient;
const configFor = (baseUrl: string, sessionId = APPINTF_FAKE_SESSION): AppintfConfig => ({ baseUrl, sessionId });
const form = (i = 0) => fake.requests[i].body as Record<string, string>;

async function withClient<T>(make: () => AppintfClient, use: (c: AppintfClient) => Promise<T>): Promise<T> {
  const other = make();
  try {
    return await use(other);
  } finally {
    await other.close();
  }
}

beforeEach(async () => {
  fake = await startFakeAppintf({ orders: [APPINTF_FAKE_ORDER_ID, 2, 3], ineligibleOrders: [3] });
  client = new AppintfClient(configFor(fake.baseUrl), { requestTimeoutMs: TEST_TIMEOUT_MS });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

describe('appintf client: success', () => {
  it('submits, then finds the refundId with refundList (to its end) and getRefund, and returns it as platformClaimId', async () => {
    const { outcome } = await client.send(claimOf(SPEC_FIELDS));
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: String(fake.refunds[0].refundId), platformStatus: null });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /appIntf/refund/submitRefund.jsp',
      'GET /appIntf/refund/refundList.jsp',
      'GET /appIntf/refund/refundList.jsp', // an empty page: the end of the list
      'GET /appIntf/refund/getRefund.jsp', // the refund's cause and proofs are those sent
    ]);
  });

  it('form-posts orderId, causeType, cause and proofs with the session cookie', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect(form()).toEqual(SPEC_FIELDS);
    expect(fake.requests[0].headers.cookie).toBe(`common_session_id=${APPINTF_FAKE_SESSION}`);
  });

  it('joins a proofs list with commas', async () => {
    await client.send(claimOf({ ...SPEC_FIELDS, proofs: ['http://a/1.jpg', 'http://a/2.jpg'] }));
    expect(form().proofs).toBe('http://a/1.jpg,http://a/2.jpg');
  });

  it('stays submitted with no platformClaimId when the refundList lookup fails', async () => {
    fake.failNext(1, 'pass');
    fake.failNext(1, 'http500');
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toEqual({ kind: 'submitted', platformClaimId: null, platformStatus: null });
    expect(fake.refunds).toHaveLength(1);
  });
});

describe('appintf client: lookup before a resend', () => {
  it('finds the refundId filed on the claim\'s orderId', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBe(String(fake.refunds[0].refundId));
  });

  it('answers null when no refund exists for the order', async () => {
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBeNull();
  });

  it('reads refundList page by page to find an older refund', async () => {
    await withClient(() => new AppintfClient(configFor(fake.baseUrl), { listPageSize: 1 }), async (paged) => {
      await paged.send(claimOf(SPEC_FIELDS));
      await paged.send(claimOf({ ...SPEC_FIELDS, orderId: 2 }));
      await expect(paged.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBe(String(fake.refunds[0].refundId));
    });
  });

  it('reads past the 500 newest refunds to find an older one', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    fake.addRefunds(600, { orderId: APPINTF_FAKE_ORDER_ID + 1 });
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBe(String(fake.refunds[0].refundId));
  });

  it('reads a list whose platform caps the page below the size asked for to its end', async () => {
    fake.addRefunds(3, { orderId: APPINTF_FAKE_ORDER_ID + 1 });
    await withClient(() => new AppintfClient(configFor(fake.baseUrl), { listPageSize: 2, maxListPages: 5 }), async (paged) => {
      await expect(paged.refundsOfOrder(APPINTF_FAKE_ORDER_ID + 1)).resolves.toMatchObject({ complete: true, listed: 3 });
    });
  });

  it('throws list-bound, never "absent", when the list is longer than the pages it may read', async () => {
    fake.addRefunds(5, { orderId: APPINTF_FAKE_ORDER_ID + 1 });
    await withClient(() => new AppintfClient(configFor(fake.baseUrl), { listPageSize: 2, maxListPages: 2 }), async (paged) => {
      await expect(paged.lookupExisting(claimOf(SPEC_FIELDS))).rejects.toMatchObject({ code: 'list-bound' });
    });
  });

  it('does not take a refund of the claim\'s order filed with another cause', async () => {
    fake.addRefunds(1, { cause: 'filed by hand' });
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBeNull();
  });

  it('does not take a refund of the claim\'s order that another claim holds', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    const held = String(fake.refunds[0].refundId);
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS), { heldByOtherClaims: async (ids) => new Set(ids.filter((id) => id === held)) })).resolves.toBeNull();
  });

  it('throws AppintfLookupError when refundList fails, never answering "absent"', async () => {
    fake.failNext(1, 'http500');
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).rejects.toBeInstanceOf(AppintfLookupError);
  });

  it('finds the refund a timed-out submit filed, so dispatch need not resend', async () => {
    fake.failNext(1, `slow:${TEST_TIMEOUT_MS + 1500}`); // past undici's ~1 s timer granularity
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'retryable', code: 'timeout', ambiguous: true });
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBe(String(fake.refunds[0].refundId));
  });
});

describe('appintf client: errors', () => {
  it('answers 41 (resubmitted within 3 s) as retryable and not ambiguous: the app stored nothing', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toEqual({ kind: 'retryable', code: '41', message: '请勿重复提交!', ambiguous: false });
  });

  it('answers -1 as retryable', async () => {
    fake.failNext(1, 'code:-1');
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'retryable', code: '-1' });
  });

  it('answers 17 (order not found) as terminal and rejected', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, orderId: 999 }))).outcome).toEqual({ kind: 'terminal', code: '17', message: '订单不存在!', rejected: true });
  });

  it('answers 53 (order state allows no claim) as terminal and rejected', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, orderId: 3 }))).outcome).toMatchObject({ kind: 'terminal', code: '53', rejected: true });
  });

  it('answers -2 (not logged in) to a wrong session as terminal', async () => {
    await withClient(() => new AppintfClient(configFor(fake.baseUrl, 'expired')), async (expired) => {
      expect((await expired.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'terminal', code: '-2', rejected: false });
    });
  });

  it('answers -4 as terminal when the platform checks a sign the client does not send', async () => {
    const signer: AppintfSigner = (params) => Object.keys(params).sort().map((k) => k + params[k]).join('');
    const signing = await startFakeAppintf({ signer });
    try {
      await withClient(() => new AppintfClient(configFor(signing.baseUrl)), async (unsigned) => {
        expect((await unsigned.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'terminal', code: '-4' });
      });
      await withClient(() => new AppintfClient(configFor(signing.baseUrl), { signer }), async (signed) => {
        expect((await signed.send(claimOf(SPEC_FIELDS))).outcome.kind).toBe('submitted');
      });
    } finally {
      await signing.close();
    }
  });

  it('reads an answer wrapped in "result" as well', () => {
    const reply = { kind: 'response' as const, status: 200, body: '{"result":{"status":54,"msg":"不能修改赔付申请!"}}' };
    expect(interpretAppintfSubmit(reply)).toMatchObject({ kind: 'terminal', code: '54', rejected: true });
  });

  itClassifiesTransportFaults(() => ({ send: () => client.send(claimOf(SPEC_FIELDS)), failNext: (n, kind) => fake.failNext(n, kind) }));
});

describe('appintf client: limits checked before sending', () => {
  it('refuses a cause over 200 characters, sending nothing', async () => {
    const { outcome, exchange } = await client.send(claimOf({ ...SPEC_FIELDS, cause: '损'.repeat(201) }));
    expect(outcome).toMatchObject({ kind: 'terminal', code: 'precheck:cause', rejected: false });
    expect(exchange).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts a cause of exactly 200 characters', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, cause: '损'.repeat(200) }))).outcome.kind).toBe('submitted');
  });

  it('refuses an empty cause, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, cause: '' }))).outcome).toMatchObject({ code: 'precheck:cause' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses empty proofs, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, proofs: [] }))).outcome).toMatchObject({ code: 'precheck:proofs' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a non-integer orderId, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, orderId: 'A-1' }))).outcome).toMatchObject({ code: 'precheck:orderId' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('appintf client: stored exchange', () => {
  it('keeps the session id out of the stored exchange', async () => {
    const { exchange } = await client.send(claimOf(SPEC_FIELDS));
    expect(JSON.stringify(exchange)).not.toContain(APPINTF_FAKE_SESSION);
    expect(exchange?.request.headers.cookie).toBe('common_session_id=[redacted]');
  });
});

describe('appintf error table', () => {
  it.each([
    ['-1', 'retryable'], ['41', 'retryable'], ['-2', 'terminal'], ['-3', 'terminal'], ['-4', 'terminal'], ['17', 'rejected'],
    ['18', 'rejected'], ['50', 'terminal'], ['51', 'terminal'], ['52', 'terminal'], ['53', 'rejected'], ['54', 'rejected'], ['99', 'terminal'],
  ])('classifies %s as %s', (code, cls) => {
    expect(appintfErrorRule(code).class).toBe(cls);
  });

  it('lists every code of the spec', () => {
    expect(Object.keys(APPINTF_ERROR_TABLE).sort()).toEqual(['-1', '-2', '-3', '-4', '17', '18', '41', '50', '51', '52', '53', '54'].sort());
  });
});

describe('appintf status mapping (all ASSUMED: the spec gives no meanings)', () => {
  it.each([
    ['1', 'submitted'], ['2', 'accepted'], ['3', 'completed'], ['4', 'rejected'], ['5', 'cancelled'],
  ])('maps refundStatus %s to %s', (code, ours) => {
    expect(appintfClaimStatus(code)).toBe(ours);
  });

  it('maps a numeric refundStatus like its text', () => {
    expect(appintfClaimStatus(3)).toBe('completed');
  });

  it('lists exactly the statuses 1–5', () => {
    expect(Object.keys(APPINTF_STATUS_TABLE).sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('maps an unknown refundStatus to null', () => {
    expect(appintfClaimStatus(6)).toBeNull();
    expect(appintfClaimStatus('0')).toBeNull();
  });

  it('maps an inherited property name to null, not to a prototype member', () => {
    expect(appintfClaimStatus('constructor')).toBeNull();
  });
});

/** Files the spec's example claim on the fake and returns its refundId. */
async function fileOne(fields: Record<string, unknown> = SPEC_FIELDS): Promise<string> {
  const { outcome } = await client.send(claimOf(fields));
  if (outcome.kind !== 'submitted' || outcome.platformClaimId === null) throw new Error(`not filed: ${JSON.stringify(outcome)}`);
  return outcome.platformClaimId;
}

const ok = (body: unknown) => ({ kind: 'response' as const, status: 200, body: JSON.stringify(body) });
const ASKED = { orderId: '123456', refundId: '700001' };

describe('appintf client: getRefund', () => {
  it('reads refundStatus and refundNo of a filed refund', async () => {
    const refundId = await fileOne();
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).resolves.toMatchObject({ refundStatus: '1', refundNo: fake.refunds[0].refundNo });
  });

  it('returns the whole parsed answer as raw', async () => {
    const refundId = await fileOne();
    const { raw } = await client.getRefund(APPINTF_FAKE_ORDER_ID, refundId);
    expect(raw).toMatchObject({ status: 1, data: { refundId: Number(refundId), orderId: APPINTF_FAKE_ORDER_ID } });
  });

  it('sends GET getRefund.jsp with refundId and orderId in the query and the session cookie', async () => {
    const refundId = await fileOne();
    await client.getRefund(String(APPINTF_FAKE_ORDER_ID), refundId);
    const req = fake.requests[fake.requests.length - 1];
    expect(`${req.method} ${req.path}`).toBe('GET /appIntf/refund/getRefund.jsp');
    expect(req.query).toEqual({ refundId, orderId: String(APPINTF_FAKE_ORDER_ID) });
    expect(req.headers.cookie).toBe(`common_session_id=${APPINTF_FAKE_SESSION}`);
  });

  it('reads a status the refund moved to since', async () => {
    const refundId = await fileOne();
    fake.setRefundStatus(refundId, '3');
    expect((await client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).refundStatus).toBe('3');
  });

  it('throws AppintfLookupError 17 for an order not of the account', async () => {
    await expect(client.getRefund(999, '700001')).rejects.toMatchObject({ name: 'AppintfLookupError', code: '17', operation: 'getRefund' });
  });

  it('throws AppintfLookupError -2 for an expired session', async () => {
    const refundId = await fileOne();
    await withClient(() => new AppintfClient(configFor(fake.baseUrl, 'expired')), async (expired) => {
      await expect(expired.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).rejects.toMatchObject({ code: '-2' });
    });
  });

  it('throws AppintfLookupError on HTTP 500', async () => {
    const refundId = await fileOne();
    fake.failNext(1, 'http500');
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).rejects.toMatchObject({ code: 'http_500' });
  });

  it('throws AppintfLookupError on a timeout', async () => {
    const refundId = await fileOne();
    fake.failNext(1, 'hang');
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('throws AppintfLookupError on a non-JSON answer', async () => {
    const refundId = await fileOne();
    fake.failNext(1, 'nonjson');
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).rejects.toBeInstanceOf(AppintfLookupError);
  });

  it('throws AppintfLookupError for a non-integer refundId, sending nothing', async () => {
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, 'R-1')).rejects.toMatchObject({ code: 'precheck:refundId' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('appintf getRefund answer: where refundStatus is read (the spec\'s data.refund is malformed)', () => {
  it('reads data.refund.refundStatus when refund is an object', () => {
    const read = readAppintfRefundDetail(ok({ status: 1, data: { ...ASKED, refundNo: '1111111111', status: 1, refund: { refundStatus: 2 } } }), ASKED);
    expect(read).toMatchObject({ ok: true, detail: { refundStatus: '2', refundNo: '1111111111' } });
  });

  it('reads the first element of data.refund when refund is an array', () => {
    const read = readAppintfRefundDetail(ok({ status: 1, data: { ...ASKED, status: 1, refund: [{ refundStatus: 4 }, { refundStatus: 1 }] } }), ASKED);
    expect(read).toMatchObject({ ok: true, detail: { refundStatus: '4', refundNo: null } });
  });

  it('falls back to data.status when data.refund carries no refundStatus', () => {
    const read = readAppintfRefundDetail(ok({ status: 1, data: { ...ASKED, status: 3, refund: {} } }), ASKED);
    expect(read).toMatchObject({ ok: true, detail: { refundStatus: '3' } });
  });

  it('fails when neither data.refund nor data.status carries a status', () => {
    expect(readAppintfRefundDetail(ok({ status: 1, data: { ...ASKED } }), ASKED)).toMatchObject({ ok: false, outcome: { code: 'invalid_response' } });
  });

  it('fails when the answer is about another refund', () => {
    const read = readAppintfRefundDetail(ok({ status: 1, data: { ...ASKED, refundId: 700002, status: 1 } }), ASKED);
    expect(read).toMatchObject({ ok: false, outcome: { code: 'invalid_response' } });
  });

  it('reads an answer wrapped in "result" as well', () => {
    const read = readAppintfRefundDetail(ok({ result: { status: 1, data: { ...ASKED, refund: [{ refundStatus: 5 }] } } }), ASKED);
    expect(read).toMatchObject({ ok: true, detail: { refundStatus: '5' } });
  });
});

describe('appintf client: cancelRefund', () => {
  it('answers submitted with the refundId when the app answers 1', async () => {
    const refundId = await fileOne();
    const { outcome } = await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: refundId, platformStatus: null });
  });

  it('form-posts orderId and refundId to refundList.jsp, as the spec lists the cancel', async () => {
    const refundId = await fileOne();
    await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    const req = fake.requests[fake.requests.length - 1];
    expect(`${req.method} ${req.path}`).toBe('POST /appIntf/refund/refundList.jsp');
    expect(req.body).toEqual({ orderId: String(APPINTF_FAKE_ORDER_ID), refundId });
    expect(req.headers.cookie).toBe(`common_session_id=${APPINTF_FAKE_SESSION}`);
  });

  it('leaves the refund reading status 5 (cancelled) afterwards', async () => {
    const refundId = await fileOne();
    await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    const { refundStatus } = await client.getRefund(APPINTF_FAKE_ORDER_ID, refundId);
    expect(appintfClaimStatus(refundStatus)).toBe('cancelled');
  });

  it('answers 18 (order state does not allow a cancel) as terminal and rejected', async () => {
    const refundId = await fileOne();
    fake.setRefundStatus(refundId, '3');
    expect((await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId)).outcome).toEqual({
      kind: 'terminal', code: '18', message: '当前的订单状态不支持取消', rejected: true,
    });
  });

  it('answers 17 (order not of the account) as terminal and rejected', async () => {
    expect((await client.cancelRefund(999, '700001')).outcome).toMatchObject({ kind: 'terminal', code: '17', rejected: true });
  });

  it('answers -1 as retryable', async () => {
    const refundId = await fileOne();
    fake.failNext(1, 'code:-1');
    expect((await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId)).outcome).toMatchObject({ kind: 'retryable', code: '-1' });
  });

  it('refuses a non-integer refundId, sending nothing', async () => {
    const { outcome, exchange } = await client.cancelRefund(APPINTF_FAKE_ORDER_ID, 'R-1');
    expect(outcome).toMatchObject({ kind: 'terminal', code: 'precheck:refundId', rejected: false });
    expect(exchange).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps the session id out of the stored exchange', async () => {
    const refundId = await fileOne();
    const { exchange } = await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    expect(JSON.stringify(exchange)).not.toContain(APPINTF_FAKE_SESSION);
  });

  it('reads a cancel answer wrapped in "result" as well', () => {
    expect(interpretAppintfCancel(ok({ result: { status: 18, msg: 'x' } }))).toMatchObject({ kind: 'terminal', code: '18', rejected: true });
  });

  itClassifiesTransportFaults(() => ({ send: () => client.cancelRefund(APPINTF_FAKE_ORDER_ID, '700001'), failNext: (n, kind) => fake.failNext(n, kind) }));
});
