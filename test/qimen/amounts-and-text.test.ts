/**
 * Issue 15, item 5: pushes are not lost on purpose. Amounts are read from the JSON text as decimals (never a
 * binary float): more than 2 decimals are accepted, kept as written, rounded half-up to the fen and flagged
 * `sub-fen-amount`; text is kept as sent (a lone surrogate never merges two values); `__proto__` and
 * `constructor` members are ordinary data.
 */
import { Claim, JudgmentRevision, WorkOrder } from '../../src/entities';
import { readRawPushBody } from '../../src/storage/raw-push-store';
import { call, FINANCE_CONFIG, TOKENS } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** The spec example as JSON text with `judgeResult.claimAmount` written as `amount` and its own order number. */
function withAmount(order: string, amount: string, field: 'judgeResult' | 'paymentInfo' = 'judgeResult'): string {
  const body: Record<string, any> = { ...specExample(), externalOrderId: order, tenantId: 'TMALL' };
  body.judgeResult.claimAmount = field === 'judgeResult' ? 0.5 : 1;
  body.paymentInfo.paymentAmount = field === 'paymentInfo' ? 0.5 : 1;
  return JSON.stringify(body).replace(`"${field === 'judgeResult' ? 'claimAmount' : 'paymentAmount'}":0.5`, `"${field === 'judgeResult' ? 'claimAmount' : 'paymentAmount'}":${amount}`);
}

/** The spec example with the raw JSON `orderText` (a string literal, escapes as written) as its order number. */
const withOrderText = (orderText: string) => JSON.stringify({ ...specExample(), externalOrderId: 'X' }).replace('"externalOrderId":"X"', `"externalOrderId":${orderText}`);

describe.each(TEST_DATABASES)('amounts and text as sent, on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
  });
  afterAll(() => svc?.close());

  const revisionsOf = (workOrderId: number) => svc.dataSource.getRepository(JudgmentRevision).find({ where: { workOrderId }, order: { revision: 'ASC' } });
  const detail = async (workOrderId: number) => (await call(svc.baseUrl, `/api/judgments/${workOrderId}`, { token: TOKENS.viewer })).json;
  const flagged = async (flag: string) =>
    (await call(svc.baseUrl, `/api/judgments?flag=${flag}&limit=500`, { token: TOKENS.viewer })).json.items.map((i: { workOrderId: number }) => i.workOrderId);
  async function accepted(body: string): Promise<number> {
    const { json } = await svc.push(body);
    expect(json).toMatchObject({ errorId: 'success' });
    return json.data.workOrderId;
  }

  describe('amounts', () => {
    it('accepts 12.345, keeps its text, rounds it half-up to 12.35 and flags the judgment sub-fen-amount', async () => {
      const id = await accepted(withAmount('AMOUNT-12.345', '12.345'));
      const [rev] = await revisionsOf(id);
      expect(rev).toMatchObject({ claimAmountText: '12.345', claimAmountMinor: 1235, subFenAmount: true });
      const judgment = await detail(id);
      expect(judgment).toMatchObject({ claimAmount: '12.35', flags: expect.arrayContaining(['sub-fen-amount']) });
      expect(await flagged('sub-fen-amount')).toContain(id);
    });

    it('files the claims for the rounded amount', async () => {
      const id = await accepted(withAmount('AMOUNT-CLAIMS', '12.345'));
      const claims = await svc.dataSource.getRepository(Claim).findBy({ workOrderId: id });
      expect(claims.map((c) => c.amountMinor)).toEqual([1235, 1235]); // the warehouse share (100%) and the whole refund
    });

    it('keeps 89.9999999999999999 exactly (no float made it 90), 90.00 in fen, flagged', async () => {
      const body = withAmount('AMOUNT-89.99…', '89.9999999999999999');
      const id = await accepted(body);
      const [rev] = await revisionsOf(id);
      expect(rev).toMatchObject({ claimAmountText: '89.9999999999999999', claimAmountMinor: 9000, subFenAmount: true });
      expect((await detail(id)).flags).toContain('sub-fen-amount');
      // The signature was checked over these bytes, and they are kept byte for byte.
      expect((await readRawPushBody(svc.dataSource, rev.rawPushId)).toString('utf8')).toBe(body);
    });

    it('checks the signature over the exact bytes: the same judgment with 90 for 89.9999999999999999 fails it', async () => {
      const signed = signedPush(withAmount('AMOUNT-SIGNED', '89.9999999999999999'));
      const res = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: withAmount('AMOUNT-SIGNED', '90') });
      expect(await res.json()).toMatchObject({ errorId: 'sign-check-failure' });
    });

    it('is a new revision when only the digits past a float\'s precision change', async () => {
      const id = await accepted(withAmount('AMOUNT-PRECISION', '89.9999999999999999'));
      expect(await accepted(withAmount('AMOUNT-PRECISION', '90'))).toBe(id);
      expect((await revisionsOf(id)).map((r) => [r.claimAmountText, r.subFenAmount])).toEqual([['89.9999999999999999', true], ['90', false]]);
      expect((await detail(id)).flags ?? []).not.toContain('sub-fen-amount');
    });

    it('flags a payment amount with more than 2 decimals', async () => {
      const id = await accepted(withAmount('AMOUNT-PAYMENT', '0.005', 'paymentInfo'));
      expect((await revisionsOf(id))[0]).toMatchObject({ paymentAmountText: '0.005', paymentAmountMinor: 1, subFenAmount: true });
    });

    it('does not flag an amount whose extra decimals are zeros (89.900 is 89.90)', async () => {
      const id = await accepted(withAmount('AMOUNT-ZEROS', '89.900'));
      expect((await revisionsOf(id))[0]).toMatchObject({ claimAmountText: '89.900', claimAmountMinor: 8990, subFenAmount: false });
      expect(await flagged('sub-fen-amount')).not.toContain(id);
    });

    it.each(['90071992547409.93', '99999999999999999999999', '1e400', '1000000000000.001'])(
      'refuses %s (beyond 10^12 yuan, fen past 2^53 for the largest) clearly with invalid-parameter, naming the field and the bound',
      async (amount) => {
        const { json } = await svc.push(withAmount(`AMOUNT-LARGE-${amount}`, amount));
        expect(json).toMatchObject({ errorId: 'invalid-parameter', errorMessage: 'judgeResult.claimAmount must not be greater than 1000000000000' });
        expect(await svc.dataSource.getRepository(WorkOrder).countBy({ externalOrderId: `AMOUNT-LARGE-${amount}` })).toBe(0);
      },
    );

    it('still refuses a ratio with more than 2 decimals (basis points are exact)', async () => {
      const body = JSON.stringify({ ...specExample(), externalOrderId: 'RATIO-3' }).replace('"warehouseRatio":100', '"warehouseRatio":33.333');
      expect((await svc.push(body)).json).toMatchObject({ errorId: 'invalid-parameter', errorMessage: 'judgeResult.warehouseRatio must have at most 2 decimal places' });
    });

    it('reads a ratio exactly: 33.3300000000000000001 is not 33.33', async () => {
      const body = JSON.stringify({ ...specExample(), externalOrderId: 'RATIO-FLOAT' }).replace('"warehouseRatio":100', '"warehouseRatio":33.3300000000000000001');
      expect((await svc.push(body)).json).toMatchObject({ errorId: 'invalid-parameter' });
    });
  });

  describe('text as sent', () => {
    it('stores two order numbers that differ only in a lone surrogate as two distinct texts', async () => {
      const high = await accepted(withOrderText('"LONE-\\ud800"'));
      const low = await accepted(withOrderText('"LONE-\\udc00"'));
      const literal = await accepted(withOrderText('"LONE-\\\\ud800"')); // a backslash, then the letters "ud800"
      expect(new Set([high, low, literal]).size).toBe(3);
      const shown = await Promise.all([high, low, literal].map(async (id) => (await detail(id)).externalOrderId));
      expect(shown).toEqual(['LONE-\\ud800', 'LONE-\\udc00', 'LONE-\\\\ud800']);
      const stored = await Promise.all([high, low, literal].map(async (id) => (await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id })).externalOrderId));
      expect(stored).toEqual(shown);
      expect(new Set(stored).size).toBe(3);
    });

    it('finds an order number with a lone surrogate by its shown text', async () => {
      const id = await accepted(withOrderText('"FIND-\\udfff"'));
      const res = await call(svc.baseUrl, `/api/judgments?q=${encodeURIComponent('FIND-\\udfff')}`, { token: TOKENS.viewer });
      expect(res.json.items.map((i: { workOrderId: number }) => i.workOrderId)).toEqual([id]);
    });

    it('keeps a well-formed text byte for byte', async () => {
      const id = await accepted(withOrderText('"PLAIN-😀-\\\\-\\u00e9"'));
      expect((await detail(id)).externalOrderId).toBe('PLAIN-😀-\\-é');
    });

    it('stores a change only inside a __proto__ member as a new revision', async () => {
      const body = (x: number) => JSON.stringify({ ...specExample(), externalOrderId: 'PROTO-CHANGE' }).replace(/}$/, `,"__proto__":{"x":${x}}}`);
      const id = await accepted(body(1));
      expect(await accepted(body(2))).toBe(id);
      expect(await accepted(body(2))).toBe(id); // the same again: a duplicate
      expect((await revisionsOf(id)).map((r) => r.revision)).toEqual([1, 2]);
    });

    it('stores a change only inside a nested constructor member as a new revision', async () => {
      const body = (x: string) => JSON.stringify({ ...specExample(), externalOrderId: 'CONSTRUCTOR-CHANGE' }).replace('"judgeResult":{', `"judgeResult":{"constructor":"${x}",`);
      const id = await accepted(body('a'));
      expect(await accepted(body('b'))).toBe(id);
      expect((await revisionsOf(id)).map((r) => r.revision)).toEqual([1, 2]);
    });
  });
});
