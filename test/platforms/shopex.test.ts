import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  interpretShopexReply, readShopexTrade, SHOPEX_ERROR_TABLE, SHOPEX_STATUS_TABLE, ShopexClient, type ShopexConfig,
  shopexClaimStatus, shopexErrorRule,
} from '../../src/platforms/shopex';
import { verifyShopexSign } from '../../src/verify/shopex-sign';
import { SHOPEX_FAKE_TOKEN, type ShopexFake, startFakeShopex } from '../fakes';
import { claimOf, itClassifiesTransportFaults, TEST_TIMEOUT_MS } from './harness';

// Business fields of the ShopEx vector in docs/signing.md (from the spec's field list).
const SPEC_FIELDS = {
  tid: 'T20240102000001',
  title: '售后申请',
  content: '商品破损',
  status: '1',
  aftersale_items: [{ sku_name: '杯子', sku_bn: 'SKU-1', number: '1' }],
};
const NOW = new Date('2024-01-01T19:04:05Z'); // 2024-01-02 03:04:05 Beijing

let fake: ShopexFake;
let client: ShopexClient;
const configFor = (baseUrl: string, overrides: Partial<ShopexConfig> = {}): ShopexConfig => ({
  baseUrl,
  certiId: '1437884333',
  fromNodeId: '1634343031',
  toNodeId: '1838303832',
  token: SHOPEX_FAKE_TOKEN,
  callbackUrl: 'http://127.0.0.1:9/callbacks/shopex',
  ...overrides,
});
const form = (i = 0) => fake.requests[i].body as Record<string, string>;

beforeEach(async () => {
  fake = await startFakeShopex();
  client = new ShopexClient(configFor(fake.baseUrl), { requestTimeoutMs: TEST_TIMEOUT_MS, now: () => NOW });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

describe('ShopEx client: success', () => {
  it('answers the async running + msg_id as submitted, with no platformClaimId yet', async () => {
    const { outcome } = await client.send(claimOf(SPEC_FIELDS));
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: null, platformStatus: null, asyncMessageId: fake.applications[0].msgId });
  });

  it('form-posts the system params from config to baseUrl itself', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect(fake.requests[0].path).toBe('/api');
    expect(fake.requests[0].headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(form()).toMatchObject({
      method: 'store.trade.aftersale.add', certi_id: '1437884333', from_node_id: '1634343031', to_node_id: '1838303832',
      callback_url: 'http://127.0.0.1:9/callbacks/shopex', v: '1.0', format: 'json', timestamp: '2024-01-02 03:04:05',
    });
  });

  it('sends aftersale_items as a JSON string', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect(form().aftersale_items).toBe('[{"sku_name":"杯子","sku_bn":"SKU-1","number":"1"}]');
  });

  it('defaults aftersale_id to the claim id and created to the claim time in Beijing', async () => {
    await client.send(claimOf(SPEC_FIELDS));
    expect(form()).toMatchObject({ aftersale_id: '42', created: '2024-01-02 03:04:05' });
  });

  it('keeps aftersale_id and created when fields give them', async () => {
    await client.send(claimOf({ ...SPEC_FIELDS, aftersale_id: 'AS20240102000001', created: '2024-01-03 10:00:00' }));
    expect(form()).toMatchObject({ aftersale_id: 'AS20240102000001', created: '2024-01-03 10:00:00' });
  });

  it('ignores credentials and system params given in fields', async () => {
    await client.send(claimOf({ ...SPEC_FIELDS, method: 'other.method', certi_id: 'x', sign: 'y' }));
    expect(form()).toMatchObject({ method: 'store.trade.aftersale.add', certi_id: '1437884333' });
    expect(fake.applications).toHaveLength(1);
  });

  it('reads aftersale_id from a synchronous succ answer as platformClaimId', () => {
    const body = JSON.stringify({ rsp: 'succ', msg_id: '3463421b2581604c74dcb9b74ffab2e4', data: JSON.stringify({ trade: { tid: '201001010001', aftersale_id: '1001', created: '2010-06-11 10:36:01' } }) });
    expect(interpretShopexReply({ kind: 'response', status: 200, body })).toEqual({
      kind: 'submitted', platformClaimId: '1001', platformStatus: null, asyncMessageId: '3463421b2581604c74dcb9b74ffab2e4',
    });
  });

  it('offers no lookup before a resend', async () => {
    await expect(client.lookupExisting(claimOf(SPEC_FIELDS))).resolves.toBeNull();
  });
});

describe('ShopEx fake: async callback', () => {
  let receiver: Server;
  let received: Record<string, string>[];
  let callbackUrl: string;

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(text));
        received.push(fields);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ rsp: 'succ', res: '', msg_id: fields.msg_id }));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks/shopex`;
  });
  afterEach(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  async function sendAsync(): Promise<string> {
    const async = new ShopexClient(configFor(fake.baseUrl, { callbackUrl }));
    try {
      const { outcome } = await async.send(claimOf(SPEC_FIELDS));
      return outcome.kind === 'submitted' ? (outcome.asyncMessageId as string) : '';
    } finally {
      await async.close();
    }
  }

  it('posts a callback signed with the node token, carrying the trade\'s aftersale_id', async () => {
    const msgId = await sendAsync();
    const answer = await fake.sendCallback(msgId);
    expect(answer.status).toBe(200);
    expect(verifyShopexSign(received[0], SHOPEX_FAKE_TOKEN)).toBe(true);
    expect(received[0]).toMatchObject({ rsp: 'succ', msg_id: msgId });
    expect(readShopexTrade(received[0].data)).toEqual({ tid: 'T20240102000001', aftersaleId: '42', created: '2024-01-02 03:04:05' });
  });

  it('can forge a callback signed with another token, which fails verification', async () => {
    const msgId = await sendAsync();
    await fake.sendCallback(msgId, { signWithToken: 'not-the-token' });
    expect(verifyShopexSign(received[0], SHOPEX_FAKE_TOKEN)).toBe(false);
  });
});

describe('ShopEx client: errors', () => {
  it('answers e00090 (matrix timeout) as retryable and ambiguous', async () => {
    fake.failNext(1, 'code:e00090');
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'retryable', code: 'e00090', ambiguous: true });
  });

  it('answers a wrong token with the matrix\'s 4003 sign error as terminal', async () => {
    const wrong = new ShopexClient(configFor(fake.baseUrl, { token: 'wrong-token' }));
    try {
      expect((await wrong.send(claimOf(SPEC_FIELDS))).outcome).toEqual({ kind: 'terminal', code: '4003', message: 'sign error', rejected: false });
    } finally {
      await wrong.close();
    }
  });

  it('answers 4001 (bad method) as terminal', async () => {
    fake.failNext(1, 'code:4001');
    expect((await client.send(claimOf(SPEC_FIELDS))).outcome).toMatchObject({ kind: 'terminal', code: '4001' });
  });

  itClassifiesTransportFaults(() => ({ send: () => client.send(claimOf(SPEC_FIELDS)), failNext: (n, kind) => fake.failNext(n, kind) }));
});

describe('ShopEx client: limits checked before sending', () => {
  it('refuses a claim without tid, sending nothing', async () => {
    const { tid: _omitted, ...withoutTid } = SPEC_FIELDS;
    const { outcome, exchange } = await client.send(claimOf(withoutTid));
    expect(outcome).toMatchObject({ kind: 'terminal', code: 'precheck:tid', rejected: false });
    expect(exchange).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a created that is not yyyy-MM-dd HH:mm:ss, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, created: '2024-01-02T03:04:05Z' }))).outcome).toMatchObject({ code: 'precheck:created' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a status outside 1–9, sending nothing', async () => {
    expect((await client.send(claimOf({ ...SPEC_FIELDS, status: '10' }))).outcome).toMatchObject({ code: 'precheck:status' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('ShopEx client: stored exchange', () => {
  it('keeps the sign and the token out of the stored exchange', async () => {
    const { exchange } = await client.send(claimOf(SPEC_FIELDS));
    const stored = JSON.stringify(exchange);
    expect(stored).not.toContain(form().sign);
    expect(stored).not.toContain(SHOPEX_FAKE_TOKEN);
    expect(new URLSearchParams(exchange?.request.body).get('sign')).toBe('[redacted]');
  });
});

describe('ShopEx error table', () => {
  it.each([
    ['e00090', 'retryable'], ['4007', 'retryable'], ['4001', 'terminal'], ['4003', 'terminal'], ['9999', 'terminal'],
  ])('classifies %s as %s', (code, cls) => {
    expect(shopexErrorRule(code).class).toBe(cls);
  });

  it('marks e00090 ambiguous: the node may have stored the application', () => {
    expect(SHOPEX_ERROR_TABLE.e00090.ambiguous).toBe(true);
  });
});

describe('ShopEx status mapping', () => {
  it.each([
    ['1', 'submitted'], ['2', 'submitted'], ['3', 'accepted'], ['4', 'completed'], ['5', 'rejected'],
    ['6', 'accepted'], ['7', 'accepted'], ['8', 'accepted'], ['9', 'rejected'],
  ])('maps status %s to %s', (status, ours) => {
    expect(shopexClaimStatus(status)).toBe(ours);
  });

  it('covers exactly the spec\'s statuses 1–9 and maps others to null', () => {
    expect(Object.keys(SHOPEX_STATUS_TABLE).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(shopexClaimStatus(0)).toBeNull();
  });
});
