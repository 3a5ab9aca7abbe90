import {
  DUOBAOYU_STATUS_TABLE, DuobaoyuClient, type DuobaoyuConfig, duobaoyuClaimStatus, duobaoyuErrorRule, interpretDuobaoyuReply,
} from '../../src/platforms/duobaoyu';
import { DUOBAOYU_FAKE_APP, type DuobaoyuFake, startFakeDuobaoyu } from '../fakes';
import { claimOf, itClassifiesTransportFaults, TEST_TIMEOUT_MS } from './harness';

// The spec's request example (duobaoyu-aftersale-apply.txt), as a route would give it.
const SPEC_FIELDS = {
  afterSaleType: '1',
  reasonCode: '11060778541',
  reasonName: '包装损坏',
  vouchers: ['https://xxxxxx/d36a88f001fa4cefb07b461f1b133561.png '],
  skuCode: '50106182257',
  skuNum: '1',
  orderItemId: '1598946719310151680',
  buyerReceived: true,
  refundFreightAmount: 234,
  pickUpWare: {
    pickupWare: '3',
    consigneeProvinceCode: '31',
    consigneeCityCode: '3101',
    consigneeCountyCode: '310101',
    consigneeTownCode: '310101002',
    consigneeAddress: '和平大厦',
    reserveDateBegin: 1669305374031,
    reserveDateEnd: 1669305375031,
  },
};
const REFUND_ONLY = { afterSaleType: '4', reasonCode: '1', reasonName: '商品破损', skuCode: '50106182257', orderItemId: '1595302620191391744', refundFreightAmount: '0' };

let fake: DuobaoyuFake;
let client: DuobaoyuClient;
const configFor = (baseUrl: string): DuobaoyuConfig => ({ baseUrl, ...DUOBAOYU_FAKE_APP });
const body = (i = 0) => fake.requests[i].body as Record<string, unknown>;

beforeEach(async () => {
  fake = await startFakeDuobaoyu();
  client = new DuobaoyuClient(configFor(fake.baseUrl), { requestTimeoutMs: TEST_TIMEOUT_MS });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

describe('Duobaoyu client: success', () => {
  it('files the after-sale and returns data.afterSaleOrderId as platformClaimId', async () => {
    const { outcome } = await client.send(claimOf(SPEC_FIELDS));
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: fake.afterSales[0].afterSaleOrderId, platformStatus: null });
  });

  it('converts afterSaleType "1" and skuNum "1" to integers and buyerReceived true to "true"', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect(body()).toMatchObject({ afterSaleType: 1, skuNum: 1, buyerReceived: 'true', refundFreightAmount: 234 });
  });

  it('converts afterSaleType "4" to 4 and needs no skuNum or pickUpWare for 仅退款', async () => {
    const { outcome } = await client.send(claimOf(REFUND_ONLY));
    expect(outcome.kind).toBe('submitted');
    expect(body()).toMatchObject({ afterSaleType: 4, refundFreightAmount: 0 });
  });

  it('puts method, appKey, a 13-digit timestamp, version and sign in the query', async () => {
    const now = new Date('2022-12-05T07:00:23Z');
    const fixedClock = new DuobaoyuClient(configFor(fake.baseUrl), { now: () => now });
    try {
      await fixedClock.send(claimOf(SPEC_FIELDS));
    } finally {
      await fixedClock.close();
    }
    expect(fake.requests[0].query).toMatchObject({ method: 'dby.scm.aftersale.apply', appKey: 'TEST_APP_KEY', timestamp: String(now.getTime()), version: 'v1' });
    expect(fake.requests[0].query.sign).toMatch(/^[0-9A-F]{32}$/);
  });

  it('offers no lookup before a resend', async () => {
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBeNull();
  });
});

describe('Duobaoyu client: errors', () => {
  it('answers code "1" (请求失败) as terminal', async () => {
    fake.failNext(1, 'code:1');
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'terminal', code: '1', rejected: false });
  });

  it('answers a wrong appSecret with the gateway\'s non-zero code as terminal', async () => {
    const wrong = new DuobaoyuClient({ ...configFor(fake.baseUrl), appSecret: 'wrong' });
    try {
      expect((await wrong.send(claimOf(SPEC_FIELDS))).outcome).toEqual({ kind: 'terminal', code: '1', message: '签名错误', rejected: false });
    } finally {
      await wrong.close();
    }
  });

  it('signs with a swapped secret strategy when one is configured (the fake, on the assumed one, refuses it)', async () => {
    const swapped = new DuobaoyuClient(configFor(fake.baseUrl), { appendSecret: (joined, secret) => secret + joined + secret });
    try {
      expect((await swapped.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'terminal', message: '签名错误' });
    } finally {
      await swapped.close();
    }
  });

  it('answers code "0" with data.result false as rejected', () => {
    const reply = { kind: 'response' as const, status: 200, body: '{"code":"0","msg":"请求成功","data":{"result":false},"msgId":"x"}' };
    expect(interpretDuobaoyuReply(reply)).toMatchObject({ kind: 'terminal', code: 'result_false', rejected: true });
  });

  itClassifiesTransportFaults(() => ({ send: () => client.send(claimOf(SPEC_FIELDS)), failNext: (n, kind) => fake.failNext(n, kind) }));
});

describe('Duobaoyu client: limits checked before sending', () => {
  it('refuses a remark over 100 characters, sending nothing', async () => {
    const { outcome, exchange } = await client.send(claimOf({ ...SPEC_FIELDS, remark: '损'.repeat(101) }));
    expect(outcome).toMatchObject({ kind: 'terminal', code: 'precheck:remark', rejected: false });
    expect(exchange).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('accepts a remark of exactly 100 characters', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, remark: '损'.repeat(100) }))).outcome.kind).toBe('submitted');
  });

  it('refuses a return (type 1) without pickUpWare, sending nothing', async () => {
    const { pickUpWare: _omitted, ...noPickup } = SPEC_FIELDS;
    expect((await client.send(claimOf(noPickup))).outcome).toMatchObject({ code: 'precheck:pickUpWare' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a return (type 1) without skuNum, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, skuNum: '' }))).outcome).toMatchObject({ code: 'precheck:skuNum' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an afterSaleType outside 1–4, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, afterSaleType: '5' }))).outcome).toMatchObject({ code: 'precheck:afterSaleType' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a non-integer refundFreightAmount, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, refundFreightAmount: '2.34' }))).outcome).toMatchObject({ code: 'precheck:refundFreightAmount' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Duobaoyu client: stored exchange', () => {
  it('keeps the sign and appSecret out of the stored exchange', async () => {
    const { exchange } = await client.send(claimOf(SPEC_FIELDS));
    const stored = JSON.stringify(exchange);
    expect(stored).not.toContain(fake.requests[0].query.sign);
    expect(stored).not.toContain(DUOBAOYU_FAKE_APP.appSecret);
    expect(new URL(exchange?.request.url ?? '').searchParams.get('sign')).toBe('[redacted]');
  });
});

describe('Duobaoyu error table', () => {
  it.each([['1', 'terminal'], ['result_false', 'rejected'], ['42', 'terminal']])('classifies %s as %s', (code, cls) => {
    expect(duobaoyuErrorRule(code).class).toBe(cls);
  });
});

describe('Duobaoyu status mapping', () => {
  it.each([
    ['待审核', 'submitted'], ['审核通过', 'accepted'], ['审核驳回', 'rejected'], ['已完成', 'completed'], ['已取消', 'cancelled'],
  ])('maps %s to %s', (state, ours) => {
    expect(duobaoyuClaimStatus(state)).toBe(ours);
  });

  it('lists exactly the five named states', () => {
    expect(Object.keys(DUOBAOYU_STATUS_TABLE).sort()).toEqual(['待审核', '审核通过', '审核驳回', '已完成', '已取消'].sort());
  });

  it('maps an unknown state to null', () => {
    expect(duobaoyuClaimStatus('处理中')).toBeNull();
  });

  it('maps a numeric state code to null (no source gives the numbering)', () => {
    expect(duobaoyuClaimStatus('1')).toBeNull();
  });

  it('maps an inherited property name to null, not to a prototype member', () => {
    expect(duobaoyuClaimStatus('toString')).toBeNull();
  });
});
