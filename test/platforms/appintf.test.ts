import {
  APPINTF_ERROR_TABLE, APPINTF_STATUS_TABLE, AppintfClient, type AppintfConfig, AppintfLookupError, appintfClaimStatus,
  appintfErrorRule, interpretAppintfSubmit,
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
  it('submits, then finds the refundId with refundList and returns it as platformClaimId', async () => {
    const { outcome } = await client.send(claimOf(SPEC_FIELDS));
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: String(fake.refunds[0].refundId), platformStatus: null });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /appIntf/refund/submitRefund.jsp',
      'GET /appIntf/refund/refundList.jsp',
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
      await expect(paged.findRefund(APPINTF_FAKE_ORDER_ID)).resolves.toBe(String(fake.refunds[0].refundId));
    });
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
  it('answers 41 (resubmitted within 3 s) as retryable and ambiguous', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toEqual({ kind: 'retryable', code: '41', message: '请勿重复提交!', ambiguous: true });
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

describe('appintf status mapping', () => {
  it('maps the spec\'s example refundStatus 1 to submitted (assumed) and nothing else', () => {
    expect(APPINTF_STATUS_TABLE).toEqual({ '1': 'submitted' });
    expect(appintfClaimStatus(1)).toBe('submitted');
    expect(appintfClaimStatus('1')).toBe('submitted');
  });

  it('maps an unknown refundStatus to null', () => {
    expect(appintfClaimStatus(2)).toBeNull();
  });
});
