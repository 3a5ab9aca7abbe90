/**
 * Duobaoyu status pushes: reading and signing them (src/platforms/duobaoyu/push.ts, assumed names and
 * rule), and the fake's push loop against a tiny receiver standing in for our `POST /callbacks/duobaoyu`.
 */
import { createHash } from 'node:crypto';
import {
  duobaoyuClaimStatus, pushSignStrategyWith, readDuobaoyuPush, signDuobaoyuPush, signPushLikeRequestsWithoutSystemParams,
  verifyDuobaoyuPush,
} from '../../src/platforms/duobaoyu';
import { DuobaoyuClient } from '../../src/platforms/duobaoyu';
import { DUOBAOYU_FAKE_APP, type DuobaoyuFake, startFakeDuobaoyu } from '../fakes';
import { claimOf } from './harness';
import { type ReceivedRequest, type Receiver, type ReceiverReply, startReceiver, waitFor } from './receiver';

const SECRET = DUOBAOYU_FAKE_APP.appSecret;
const PUSH = { id: 'P-0001', pushTime: 1670223623000, afterSaleOrderId: '1597771590437830656', afterSaleStatus: '审核通过' };
const upperMd5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

describe('Duobaoyu push: reading', () => {
  it('reads id, afterSaleOrderId, afterSaleStatus as state, and pushTime', () => {
    expect(readDuobaoyuPush({ ...PUSH, sign: 'X' })).toEqual({ id: 'P-0001', afterSaleOrderId: '1597771590437830656', state: '审核通过', pushTime: 1670223623000 });
  });

  it('reads a push given as JSON text', () => {
    expect(readDuobaoyuPush(JSON.stringify(PUSH))).toMatchObject({ id: 'P-0001', state: '审核通过' });
  });

  it('reads a 13-digit pushTime given as text', () => {
    expect(readDuobaoyuPush({ ...PUSH, pushTime: '1670223623000' })?.pushTime).toBe(1670223623000);
  });

  it('gives pushTime null when it is absent or not 13 digits', () => {
    expect(readDuobaoyuPush({ ...PUSH, pushTime: undefined })?.pushTime).toBeNull();
    expect(readDuobaoyuPush({ ...PUSH, pushTime: 1670223623 })?.pushTime).toBeNull();
  });

  it('reads numeric ids as their text', () => {
    expect(readDuobaoyuPush({ ...PUSH, id: 17, afterSaleOrderId: 42 })).toMatchObject({ id: '17', afterSaleOrderId: '42' });
  });

  it.each(['id', 'afterSaleOrderId', 'afterSaleStatus'])('answers null without %s', (key) => {
    expect(readDuobaoyuPush({ ...PUSH, [key]: undefined })).toBeNull();
    expect(readDuobaoyuPush({ ...PUSH, [key]: '' })).toBeNull();
  });

  it('answers null for a body that is not a JSON object', () => {
    expect(readDuobaoyuPush([PUSH])).toBeNull();
    expect(readDuobaoyuPush('not json')).toBeNull();
    expect(readDuobaoyuPush(null)).toBeNull();
  });
});

describe('Duobaoyu push: sign (ASSUMED: the request rule without system params)', () => {
  it('signs key=value pairs sorted, joined with &, with &appSecret= appended, upper MD5', () => {
    const text = 'afterSaleOrderId=1597771590437830656&afterSaleStatus=审核通过&id=P-0001&pushTime=1670223623000&appSecret=TEST_APP_SECRET';
    expect(signDuobaoyuPush(PUSH, SECRET)).toBe(upperMd5(text));
  });

  it('leaves the sign field itself out', () => {
    expect(signDuobaoyuPush({ ...PUSH, sign: 'WHATEVER' }, SECRET)).toBe(signDuobaoyuPush(PUSH, SECRET));
  });

  it('drops null fields', () => {
    expect(signDuobaoyuPush({ ...PUSH, remark: null }, SECRET)).toBe(signDuobaoyuPush(PUSH, SECRET));
  });

  it('merges in no system params (method, appKey, timestamp, version)', () => {
    expect(signPushLikeRequestsWithoutSystemParams({ a: '1' }, SECRET)).toBe(upperMd5('a=1&appSecret=TEST_APP_SECRET'));
  });

  it('verifies a push signed with the secret', () => {
    expect(verifyDuobaoyuPush({ ...PUSH, sign: signDuobaoyuPush(PUSH, SECRET) }, SECRET)).toBe(true);
  });

  it('verifies a sign given in lower-case hex', () => {
    expect(verifyDuobaoyuPush({ ...PUSH, sign: signDuobaoyuPush(PUSH, SECRET).toLowerCase() }, SECRET)).toBe(true);
  });

  it('refuses a push whose field changed after signing', () => {
    expect(verifyDuobaoyuPush({ ...PUSH, afterSaleStatus: '已完成', sign: signDuobaoyuPush(PUSH, SECRET) }, SECRET)).toBe(false);
  });

  it('refuses a push signed with another secret', () => {
    expect(verifyDuobaoyuPush({ ...PUSH, sign: signDuobaoyuPush(PUSH, 'other') }, SECRET)).toBe(false);
  });

  it('refuses a push without sign', () => {
    expect(verifyDuobaoyuPush(PUSH, SECRET)).toBe(false);
  });

  it('signs and verifies with a swapped strategy', () => {
    const strategy = pushSignStrategyWith((joined, secret) => secret + joined + secret);
    const sign = signDuobaoyuPush(PUSH, SECRET, strategy);
    expect(sign).not.toBe(signDuobaoyuPush(PUSH, SECRET));
    expect(verifyDuobaoyuPush({ ...PUSH, sign }, SECRET, strategy)).toBe(true);
  });
});

const SUCCESS: ReceiverReply = { body: 'SUCCESS' };
const pushOf = (req: ReceivedRequest) => JSON.parse(req.body) as Record<string, unknown>;
const MS = [0, 10, 10, 10, 10, 10, 10, 10];

describe('Duobaoyu fake: status push', () => {
  let fake: DuobaoyuFake;
  let receiver: Receiver;

  async function start(answer: (req: ReceivedRequest, index: number) => ReceiverReply): Promise<void> {
    receiver = await startReceiver(answer, '/callbacks/duobaoyu');
    fake = await startFakeDuobaoyu({ pushUrl: receiver.url });
  }
  afterEach(async () => {
    await fake?.close();
    await receiver?.close();
  });

  it('posts a JSON push with id, pushTime, afterSaleOrderId, afterSaleStatus and a valid sign', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1597771590437830656', '审核通过', { retrySchedule: MS });
    const push = pushOf(receiver.received[0]);
    expect(Object.keys(push).sort()).toEqual(['afterSaleOrderId', 'afterSaleStatus', 'id', 'pushTime', 'sign']);
    expect(receiver.received[0].headers['content-type']).toContain('application/json');
    expect(verifyDuobaoyuPush(push, SECRET)).toBe(true);
  });

  it('pushes what readDuobaoyuPush reads, with a 13-digit pushTime of now', async () => {
    await start(() => SUCCESS);
    const before = Date.now();
    await fake.pushStatus('1597771590437830656', '已完成', { retrySchedule: MS });
    const read = readDuobaoyuPush(pushOf(receiver.received[0]));
    expect(read).toMatchObject({ afterSaleOrderId: '1597771590437830656', state: '已完成' });
    expect(read?.pushTime).toBeGreaterThanOrEqual(before);
    expect(duobaoyuClaimStatus(read?.state ?? '')).toBe('completed');
  });

  it('stops at the first answer SUCCESS and resolves to every answer', async () => {
    await start(() => SUCCESS);
    await expect(fake.pushStatus('1', '审核通过', { retrySchedule: MS })).resolves.toEqual([{ status: 200, body: 'SUCCESS' }]);
  });

  it('retries until the answer is exactly SUCCESS', async () => {
    await start((_req, i) => [{ body: 'success' }, { body: 'SUCCESS\n' }, { body: '{"result":"SUCCESS"}' }][i] ?? SUCCESS);
    const answers = await fake.pushStatus('1', '审核通过', { retrySchedule: MS });
    expect(answers.map((a) => a.body)).toEqual(['success', 'SUCCESS\n', '{"result":"SUCCESS"}', 'SUCCESS']);
    expect(fake.pushes[0].delivered).toBe(true);
  });

  it('counts a non-200 answer with the text SUCCESS as delivered (only the text is checked)', async () => {
    await start(() => ({ status: 500, body: 'SUCCESS' }));
    expect(await fake.pushStatus('1', '审核通过', { retrySchedule: MS })).toHaveLength(1);
  });

  it('sends the same push, same id and sign, on every retry', async () => {
    await start((_req, i) => (i < 2 ? { body: 'FAIL' } : SUCCESS));
    await fake.pushStatus('1', '审核通过', { retrySchedule: MS });
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(receiver.received).toHaveLength(3);
  });

  it('waits the schedule before each try', async () => {
    await start(() => ({ body: 'FAIL' }));
    const started = Date.now();
    await fake.pushStatus('1', '审核通过', { retrySchedule: [0, 30, 30] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(receiver.received).toHaveLength(3);
  });

  it('makes at most 8 tries, whatever the schedule\'s length', async () => {
    await start(() => ({ body: 'FAIL' }));
    const answers = await fake.pushStatus('1', '审核通过', { retrySchedule: Array(12).fill(1) });
    expect(answers).toHaveLength(8);
    expect(fake.pushes[0].delivered).toBe(false);
  });

  it('records a refused connection as status 0 with the error, and retries', async () => {
    receiver = await startReceiver(() => SUCCESS);
    const url = receiver.url;
    await receiver.close();
    fake = await startFakeDuobaoyu({ pushUrl: url });
    const answers = await fake.pushStatus('1', '审核通过', { retrySchedule: [0, 1, 1] });
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatchObject({ status: 0, body: '' });
    expect(typeof answers[0].error).toBe('string');
  });

  it('badSign: signs with another secret, which verification refuses', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '审核通过', { badSign: true, retrySchedule: MS });
    expect(verifyDuobaoyuPush(pushOf(receiver.received[0]), SECRET)).toBe(false);
  });

  it('duplicate: posts each try twice, same id', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '审核通过', { duplicate: true, retrySchedule: MS });
    expect(receiver.received).toHaveLength(2);
    expect(pushOf(receiver.received[1]).id).toBe(pushOf(receiver.received[0]).id);
  });

  it('drop: loses the first tries (nothing sent), then sends', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '审核通过', { drop: 2, retrySchedule: MS });
    expect(receiver.received).toHaveLength(1);
  });

  it('uses a given id, so a redelivery can be simulated', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '审核通过', { id: 'P-7', retrySchedule: MS });
    await fake.pushStatus('1', '审核通过', { id: 'P-7', retrySchedule: MS });
    expect(receiver.received.map((r) => pushOf(r).id)).toEqual(['P-7', 'P-7']);
  });

  it('gives every push a fresh id by default', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '审核通过', { retrySchedule: MS });
    await fake.pushStatus('1', '已完成', { retrySchedule: MS });
    expect(pushOf(receiver.received[0]).id).not.toBe(pushOf(receiver.received[1]).id);
  });

  it('uses a given pushTime, so an older push can arrive after a newer one', async () => {
    await start(() => SUCCESS);
    await fake.pushStatus('1', '已完成', { pushTime: 1700000002000, retrySchedule: MS });
    await fake.pushStatus('1', '审核通过', { pushTime: 1700000001000, retrySchedule: MS });
    expect(receiver.received.map((r) => pushOf(r).pushTime)).toEqual([1700000002000, 1700000001000]);
  });

  it('records the pushed state on the after-sale it filed', async () => {
    await start(() => SUCCESS);
    const client = new DuobaoyuClient({ baseUrl: fake.baseUrl, ...DUOBAOYU_FAKE_APP });
    try {
      await client.send(claimOf({ afterSaleType: '4', reasonCode: '1', reasonName: '破损', skuCode: 'S', orderItemId: '9', refundFreightAmount: 0 }));
    } finally {
      await client.close();
    }
    expect(fake.afterSales[0].state).toBe('待审核');
    await fake.pushStatus(fake.afterSales[0].afterSaleOrderId, '审核驳回', { retrySchedule: MS });
    expect(fake.afterSales[0].state).toBe('审核驳回');
  });

  it('pushes each autoPush step by itself after an apply, signed, in order', async () => {
    receiver = await startReceiver(() => SUCCESS);
    fake = await startFakeDuobaoyu({ pushUrl: receiver.url, autoPush: { steps: [{ afterMs: 20, state: '审核通过' }, { afterMs: 40, state: '已完成' }] } });
    const client = new DuobaoyuClient({ baseUrl: fake.baseUrl, ...DUOBAOYU_FAKE_APP });
    try {
      await client.send(claimOf({ afterSaleType: '4', reasonCode: '1', reasonName: '破损', skuCode: 'S', orderItemId: '9', refundFreightAmount: 0 }));
    } finally {
      await client.close();
    }
    await waitFor(() => receiver.received.length === 2);
    const pushes = receiver.received.map(pushOf);
    expect(pushes.map((p) => [p.afterSaleOrderId, p.afterSaleStatus])).toEqual([[fake.afterSales[0].afterSaleOrderId, '审核通过'], [fake.afterSales[0].afterSaleOrderId, '已完成']]);
    expect(pushes.every((p) => verifyDuobaoyuPush(p, SECRET))).toBe(true);
  });

  it('pushes to a URL set after start', async () => {
    receiver = await startReceiver(() => SUCCESS);
    fake = await startFakeDuobaoyu();
    await expect(fake.pushStatus('1', '审核通过')).rejects.toThrow('no pushUrl');
    fake.setPushUrl(receiver.url);
    await fake.pushStatus('1', '审核通过', { retrySchedule: MS });
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses a push URL that is not loopback', async () => {
    fake = await startFakeDuobaoyu();
    expect(() => fake.setPushUrl('http://example.com/callbacks/duobaoyu')).toThrow('non-loopback');
  });

  it('ends a pending retry wait on close, resolving with the answers so far', async () => {
    await start(() => ({ body: 'FAIL' }));
    const pending = fake.pushStatus('1', '审核通过', { retrySchedule: [0, 60_000] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await fake.close();
    await expect(pending).resolves.toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
