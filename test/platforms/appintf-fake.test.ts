/** The appintf fake's look-up, cancel and progression over time, driven through the real client. */
import { AppintfClient } from '../../src/platforms/appintf';
import { APPINTF_FAKE_ORDER_ID, APPINTF_FAKE_SESSION, type AppintfFake, type AppintfFakeOptions, startFakeAppintf } from '../fakes';
import { claimOf } from './harness';
import { waitFor } from './receiver';

const FIELDS = { orderId: String(APPINTF_FAKE_ORDER_ID), causeType: '1', cause: '商品损坏', proofs: 'http://url' };

let fake: AppintfFake;
let client: AppintfClient;

async function start(options: AppintfFakeOptions = {}): Promise<void> {
  fake = await startFakeAppintf({ orders: [APPINTF_FAKE_ORDER_ID, 2], ...options });
  client = new AppintfClient({ baseUrl: fake.baseUrl, sessionId: APPINTF_FAKE_SESSION }, { requestTimeoutMs: 1000 });
}
afterEach(async () => {
  await client?.close();
  await fake?.close();
});

async function fileOne(orderId = APPINTF_FAKE_ORDER_ID): Promise<string> {
  const { outcome } = await client.send(claimOf({ ...FIELDS, orderId }));
  if (outcome.kind !== 'submitted' || outcome.platformClaimId === null) throw new Error('not filed');
  return outcome.platformClaimId;
}
const statusOf = async (refundId: string) => (await client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).refundStatus;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('appintf fake: progression over time', () => {
  it('lets a client polling getRefund see a refund go from 1 to completed (3)', async () => {
    await start({ progression: { everyMs: 60, statuses: ['2', '3'] } });
    const refundId = await fileOne();
    const seen: string[] = [];
    for (let poll = 0; poll < 200 && seen[seen.length - 1] !== '3'; poll++) {
      seen.push(await statusOf(refundId));
      await sleep(5);
    }
    expect(seen[0]).toBe('1');
    expect(seen[seen.length - 1]).toBe('3');
  });

  it('passes through every listed status in order', async () => {
    await start({ progression: { everyMs: 60, statuses: ['2', '3'] } });
    await fileOne();
    const trail: string[] = [fake.refunds[0].status];
    await waitFor(() => {
      const now = fake.refunds[0].status;
      if (trail[trail.length - 1] !== now) trail.push(now);
      return now === '3';
    });
    expect(trail).toEqual(['1', '2', '3']);
  });

  it('stops at the last listed status', async () => {
    await start({ progression: { everyMs: 10, statuses: ['2'] } });
    await fileOne();
    await sleep(60);
    expect(fake.refunds[0].status).toBe('2');
  });

  it('stops moving a refund that was cancelled', async () => {
    await start({ progression: { everyMs: 40, statuses: ['2', '3'] } });
    const refundId = await fileOne();
    expect((await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId)).outcome.kind).toBe('submitted');
    await sleep(120);
    expect(fake.refunds[0].status).toBe('5');
  });

  it('stops moving a refund whose status was set by hand', async () => {
    await start({ progression: { everyMs: 40, statuses: ['2', '3'] } });
    const refundId = await fileOne();
    fake.setRefundStatus(refundId, '4');
    await sleep(120);
    expect(fake.refunds[0].status).toBe('4');
  });

  it('moves nothing after close()', async () => {
    await start({ progression: { everyMs: 20, statuses: ['2', '3', '4'] } });
    await fileOne();
    await fake.close();
    const atClose = fake.refunds[0].status;
    await sleep(100);
    expect(fake.refunds[0].status).toBe(atClose);
  });

  it('leaves refunds at 1 without a progression', async () => {
    await start();
    await fileOne();
    await sleep(50);
    expect(fake.refunds[0].status).toBe('1');
  });
});

describe('appintf fake: cancel and look-ups', () => {
  it("with orders 'any', takes a refund on an order id it was never told of", async () => {
    await start({ orders: 'any' });
    const refundId = await fileOne(987654321);
    await expect(client.getRefund(987654321, refundId)).resolves.toMatchObject({ refundStatus: '1' });
    expect(fake.refunds[0].orderId).toBe(987654321);
    expect(fake.refunds).toHaveLength(1);
  });

  it('keeps GET refundList.jsp the list after a POST cancel on the same URL', async () => {
    await start();
    const refundId = await fileOne();
    await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    await expect(client.findRefund(APPINTF_FAKE_ORDER_ID)).resolves.toBe(refundId);
  });

  it('lets a new refund be filed on an order whose refund was cancelled', async () => {
    await start();
    const first = await fileOne();
    await client.cancelRefund(APPINTF_FAKE_ORDER_ID, first);
    expect(await fileOne()).not.toBe(first);
  });

  it('refuses to cancel a refund already cancelled (18)', async () => {
    await start();
    const refundId = await fileOne();
    await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId);
    expect((await client.cancelRefund(APPINTF_FAKE_ORDER_ID, refundId)).outcome).toMatchObject({ code: '18' });
  });

  it('answers -1 to a cancel of a refund it does not know', async () => {
    await start();
    expect((await client.cancelRefund(APPINTF_FAKE_ORDER_ID, '799999')).outcome).toMatchObject({ code: '-1' });
  });

  it('answers getRefund with 17 for a refund it does not know on a known order', async () => {
    await start();
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, '799999')).rejects.toMatchObject({ code: '17' });
  });

  it('applies failNext faults to getRefund too', async () => {
    await start();
    const refundId = await fileOne();
    fake.failNext(1, 'code:-1');
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).rejects.toMatchObject({ code: '-1' });
    await expect(client.getRefund(APPINTF_FAKE_ORDER_ID, refundId)).resolves.toMatchObject({ refundStatus: '1' });
  });

  it('throws from setRefundStatus for a refund it does not know', async () => {
    await start();
    expect(() => fake.setRefundStatus('799999', '2')).toThrow('no refund 799999');
  });
});
