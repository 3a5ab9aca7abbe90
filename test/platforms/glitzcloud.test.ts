import {
  buildGlitzcloudRequest, GLITZCLOUD_CUSTOMER_STATUS_TABLE, GLITZCLOUD_ERROR_TABLE, GLITZCLOUD_STATUS_TABLE,
  GlitzcloudClient, type GlitzcloudConfig, glitzcloudClaimStatus, glitzcloudClaimStatusOf, glitzcloudErrorRule,
} from '../../src/platforms/glitzcloud';
import { GLITZCLOUD_FAKE_CREDENTIALS, type GlitzcloudFake, startFakeGlitzcloud } from '../fakes';
import { claimOf, closedPort, itClassifiesTransportFaults, TEST_TIMEOUT_MS } from './harness';

// The spec's request example (glitzcloud-saleafter-add.txt), its amount 1.00 as 100 fen.
const SPEC_FIELDS = { connect_order_sn: 'test1129', type: '1', problem_description: '1' };
const specClaim = (fields: Record<string, unknown> = SPEC_FIELDS, amountMinor: number | null = 100) => claimOf(fields, { amountMinor });

let fake: GlitzcloudFake;
let client: GlitzcloudClient;
const configFor = (baseUrl: string): GlitzcloudConfig => ({ baseUrl, ...GLITZCLOUD_FAKE_CREDENTIALS, storeName: 'TWUSA01' });

beforeEach(async () => {
  fake = await startFakeGlitzcloud();
  client = new GlitzcloudClient(configFor(fake.baseUrl), { requestTimeoutMs: TEST_TIMEOUT_MS });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

describe('Glitzcloud client: success', () => {
  it('files the claim and returns result.order_sn as platformClaimId with "status/customer_status"', async () => {
    const { outcome } = await client.send(specClaim());
    expect(outcome).toEqual({ kind: 'submitted', platformClaimId: fake.orders[0].order_sn, platformStatus: '1/0' });
  });

  it('reads a claim the warehouse answers as handled (fake answerStatus 2/1) as accepted', async () => {
    const handled = await startFakeGlitzcloud({ answerStatus: { status: '2', customerStatus: '1' } });
    const other = new GlitzcloudClient(configFor(handled.baseUrl), { requestTimeoutMs: TEST_TIMEOUT_MS });
    try {
      const { outcome } = await other.send(specClaim());
      expect(outcome).toMatchObject({ kind: 'submitted', platformStatus: '2/1' });
      expect(glitzcloudClaimStatusOf('2/1')).toBe('accepted');
    } finally {
      await other.close();
      await handled.close();
    }
  });

  it('posts JSON to /orders/saleAfter/add with store_name and credentials from config', async () => {
    await client.send(specClaim({ ...SPEC_FIELDS, store_name: 'OTHER', apikey: 'from-fields' }));
    const [req] = fake.requests;
    expect(req.path).toBe('/agent/v1/orders/saleAfter/add');
    expect(req.body).toMatchObject({ store_name: 'TWUSA01', apikey: GLITZCLOUD_FAKE_CREDENTIALS.apikey });
  });

  it('sends expected_payout_amount as a "D.DD" string from amountMinor', async () => {
    await client.send(specClaim(SPEC_FIELDS, 8990));
    expect(fake.requests[0].body).toMatchObject({ expected_payout_amount: '89.90' });
  });

  it('converts a numeric type to the spec\'s String', async () => {
    await client.send(specClaim({ ...SPEC_FIELDS, type: 1 }));
    expect(fake.requests[0].body).toMatchObject({ type: '1' });
  });

  it('sends attachments, which the sign leaves out', async () => {
    const attachments = [{ name: 'QQ图片20180929150925.gif', content: 'YmFzZTY0ZW5jb2RlU3RyaW5n' }];
    const { outcome } = await client.send(specClaim({ ...SPEC_FIELDS, attachments }));
    expect(outcome.kind).toBe('submitted');
    expect(fake.requests[0].body).toMatchObject({ attachments });
  });

  it('answers a resend with the same connect_order_sn with the existing order (fake dedupe)', async () => {
    const first = await client.send(specClaim());
    const second = await client.send(specClaim());
    expect(second.outcome).toEqual(first.outcome);
    expect(fake.orders).toHaveLength(1);
  });

  it('looks nothing up before a resend (it relies on connect_order_sn)', async () => {
    await expect(client.lookupExisting(specClaim())).resolves.toBeNull();
  });
});

describe('Glitzcloud client: errors', () => {
  it('answers 2582 Invalid Outflow Sn as terminal and rejected', async () => {
    fake.failNext(1, 'code:2582');
    expect((await client.send(specClaim())).outcome).toEqual({ kind: 'terminal', code: '2582', message: 'Invalid Outflow Sn', rejected: true });
  });

  it('answers an envelope status 503 as retryable (assumed server error)', async () => {
    fake.failNext(1, 'code:503');
    expect((await client.send(specClaim())).outcome).toMatchObject({ kind: 'retryable', code: '503', ambiguous: true });
  });

  it('answers a wrong secretkey (bad sign) with the fake\'s 401 as terminal', async () => {
    const wrong = new GlitzcloudClient({ ...configFor(fake.baseUrl), secretkey: 'wrong' });
    try {
      expect((await wrong.send(specClaim())).outcome).toMatchObject({ kind: 'terminal', code: '401', rejected: false });
    } finally {
      await wrong.close();
    }
  });

  it('answers a refused connection as retryable and not ambiguous', async () => {
    const offline = new GlitzcloudClient(configFor(`http://127.0.0.1:${await closedPort()}/agent/v1`));
    try {
      expect((await offline.send(specClaim())).outcome).toMatchObject({ kind: 'retryable', code: 'connect_failed', ambiguous: false });
    } finally {
      await offline.close();
    }
  });

  it('answers a slow platform as an ambiguous timeout, and the resend finds the order it filed meanwhile', async () => {
    fake.failNext(1, `slow:${TEST_TIMEOUT_MS + 1500}`); // past undici's ~1 s timer granularity
    expect((await client.send(specClaim())).outcome).toMatchObject({ kind: 'retryable', code: 'timeout', ambiguous: true });
    const resend = await client.send(specClaim());
    expect(resend.outcome).toMatchObject({ kind: 'submitted', platformClaimId: fake.orders[0].order_sn });
    expect(fake.orders).toHaveLength(1);
  });

  itClassifiesTransportFaults(() => ({ send: () => client.send(specClaim()), failNext: (n, kind) => fake.failNext(n, kind) }));
});

describe('Glitzcloud client: limits checked before sending', () => {
  it('refuses type 2 without connect_order_sn, sending nothing', async () => {
    const { outcome, exchange } = await client.send(specClaim({ type: '2', problem_description: 'lost', connect_order_sn: '' }));
    expect(outcome).toMatchObject({ kind: 'terminal', code: 'precheck:connect_order_sn', rejected: false });
    expect(exchange).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a claim without an amount, sending nothing', async () => {
    expect((await client.send(specClaim(SPEC_FIELDS, null))).outcome).toMatchObject({ kind: 'terminal', code: 'precheck:expected_payout_amount' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a type outside 1–6, sending nothing', async () => {
    expect((await client.send(specClaim({ ...SPEC_FIELDS, type: '7' }))).outcome).toMatchObject({ kind: 'terminal', code: 'precheck:type' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a missing problem_description, sending nothing', async () => {
    expect((await client.send(specClaim({ type: '1' }))).outcome).toMatchObject({ kind: 'terminal', code: 'precheck:problem_description' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Glitzcloud client: stored exchange', () => {
  it('keeps apikey, secretkey and sign out of the stored exchange', async () => {
    const built = buildGlitzcloudRequest(specClaim(), configFor(fake.baseUrl));
    const sign = built.ok ? (JSON.parse(built.request.body as string) as { sign: string }).sign : '';
    const { exchange } = await client.send(specClaim());
    const stored = JSON.stringify(exchange);
    expect(stored).not.toContain(GLITZCLOUD_FAKE_CREDENTIALS.apikey);
    expect(stored).not.toContain(GLITZCLOUD_FAKE_CREDENTIALS.secretkey);
    expect(stored).not.toContain(sign);
    expect(stored).toContain('[redacted]');
  });

  it('stores attachments by name and size, not their base64 content', async () => {
    const content = 'QUJD'.repeat(100);
    const { exchange } = await client.send(specClaim({ ...SPEC_FIELDS, attachments: [{ name: 'a.pdf', content }] }));
    expect(exchange?.request.body).not.toContain(content);
    expect(exchange?.request.body).toContain('<base64, 400 chars>');
  });

  it('stores the answer and the latency', async () => {
    const { exchange } = await client.send(specClaim());
    expect(exchange?.response.status).toBe(200);
    expect(exchange?.response.body).toContain('"reqMsg":"success"');
    expect(exchange?.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('Glitzcloud error table', () => {
  it.each([
    ['2582', 'rejected'], ['400', 'terminal'], ['401', 'terminal'], ['429', 'retryable'], ['500', 'retryable'], ['9999', 'terminal'],
  ])('classifies %s as %s', (code, cls) => {
    expect(glitzcloudErrorRule(code).class).toBe(cls);
  });

  it('gives a reason for every listed code', () => {
    for (const rule of Object.values(GLITZCLOUD_ERROR_TABLE)) expect(rule.why.length).toBeGreaterThan(10);
  });
});

describe('Glitzcloud status mapping', () => {
  it('maps every status 0–3 and customer_status 0–4', () => {
    expect(GLITZCLOUD_STATUS_TABLE).toEqual({ '0': 'submitted', '1': 'submitted', '2': 'accepted', '3': 'cancelled' });
    expect(GLITZCLOUD_CUSTOMER_STATUS_TABLE).toEqual({ '0': 'submitted', '1': 'submitted', '2': 'completed', '3': 'rejected', '4': 'cancelled' });
  });

  it.each([
    ['1', '0', 'submitted'], // the spec's fresh claim
    ['2', '1', 'accepted'],
    ['2', '2', 'completed'],
    ['2', '3', 'rejected'],
    ['1', '4', 'cancelled'],
    ['3', '0', 'cancelled'],
    ['9', '9', null],
  ])('maps status %s / customer_status %s to %s', (status, customer, expected) => {
    expect(glitzcloudClaimStatus(status, customer)).toBe(expected);
  });

  it('reads a stored platformStatus text', () => {
    expect(glitzcloudClaimStatusOf('2/3')).toBe('rejected');
  });
});
