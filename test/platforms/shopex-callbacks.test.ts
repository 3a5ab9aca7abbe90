/**
 * The ShopEx fake's auto-callback loop (the matrix repeats the signed callback until answered with
 * success), against a tiny receiver standing in for our `POST /callbacks/shopex`.
 */
import { readShopexTrade, ShopexClient, type ShopexConfig } from '../../src/platforms/shopex';
import { verifyShopexSign } from '../../src/verify/shopex-sign';
import {
  SHOPEX_FAKE_FAIL_CALLBACK, SHOPEX_FAKE_TOKEN, type ShopexAutoCallback, type ShopexFake, startFakeShopex,
} from '../fakes';
import { claimOf, closedPort } from './harness';
import { type ReceivedRequest, type Receiver, type ReceiverReply, startReceiver } from './receiver';

const FIELDS = { tid: 'T20240102000001', title: '售后申请', content: '商品破损', status: '1' };
const FAST: ShopexAutoCallback = { delayMs: 5, retryMs: 10, maxTries: 4 };

const SUCC = (msgId: string): ReceiverReply => ({ body: JSON.stringify({ rsp: 'succ', res: '', msg_id: msgId }), contentType: 'application/json' });
const FAIL_4003: ReceiverReply = { body: JSON.stringify({ rsp: 'fail', res: '4003', err_msg: 'sign error' }), contentType: 'application/json' };
const fieldsOf = (req: ReceivedRequest): Record<string, string> => Object.fromEntries(new URLSearchParams(req.body));

/** Answers like our service would: success when the sign verifies, 4003 otherwise. */
const likeOurService = (req: ReceivedRequest): ReceiverReply => {
  const fields = fieldsOf(req);
  return verifyShopexSign(fields, SHOPEX_FAKE_TOKEN) ? SUCC(fields.msg_id) : FAIL_4003;
};

let fake: ShopexFake;
let receiver: Receiver;

async function start(answer: (req: ReceivedRequest, index: number) => ReceiverReply, autoCallback: ShopexAutoCallback = FAST): Promise<void> {
  receiver = await startReceiver(answer, '/callbacks/shopex');
  fake = await startFakeShopex({ autoCallback });
}
afterEach(async () => {
  await fake?.close();
  await receiver?.close();
});

/** Files the spec's claim with `callbackUrl` (default the receiver's) and returns the msg_id. */
async function fileAsync(callbackUrl = receiver.url): Promise<string> {
  const config: ShopexConfig = {
    baseUrl: fake.baseUrl, certiId: '1437884333', fromNodeId: '1634343031', toNodeId: '1838303832', token: SHOPEX_FAKE_TOKEN, callbackUrl,
  };
  const client = new ShopexClient(config);
  try {
    const { outcome } = await client.send(claimOf(FIELDS));
    if (outcome.kind !== 'submitted' || !outcome.asyncMessageId) throw new Error(`not running: ${JSON.stringify(outcome)}`);
    return outcome.asyncMessageId;
  } finally {
    await client.close();
  }
}

describe('ShopEx fake: auto-callback', () => {
  it('posts one callback signed with the node token, carrying the trade and msg_id', async () => {
    await start(likeOurService);
    const msgId = await fileAsync();
    await fake.callbackDone(msgId);
    const fields = fieldsOf(receiver.received[0]);
    expect(verifyShopexSign(fields, SHOPEX_FAKE_TOKEN)).toBe(true);
    expect(fields).toMatchObject({ rsp: 'succ', res: '', err_msg: '', msg_id: msgId });
    expect(readShopexTrade(fields.data)).toEqual({ tid: 'T20240102000001', aftersaleId: '42', created: '2024-01-02 03:04:05' });
  });

  it('form-posts the callback to the request\'s callback_url', async () => {
    await start(likeOurService);
    await fake.callbackDone(await fileAsync());
    expect(receiver.received[0].method).toBe('POST');
    expect(receiver.received[0].path).toBe('/callbacks/shopex');
    expect(receiver.received[0].headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('reports trade status 1 (申请中) by default', async () => {
    await start(likeOurService);
    await fake.callbackDone(await fileAsync());
    expect(JSON.parse(fieldsOf(receiver.received[0]).data).trade.status).toBe('1');
  });

  it('reports the trade status set for all later callbacks', async () => {
    await start(likeOurService);
    fake.setTradeStatus('4');
    await fake.callbackDone(await fileAsync());
    expect(JSON.parse(fieldsOf(receiver.received[0]).data).trade.status).toBe('4');
  });

  it('reports the trade status set for one application', async () => {
    await start(likeOurService, { ...FAST, delayMs: 150 });
    const msgId = await fileAsync();
    fake.setTradeStatus('5', msgId);
    await fake.callbackDone(msgId);
    expect(JSON.parse(fieldsOf(receiver.received[0]).data).trade.status).toBe('5');
  });

  it('waits delayMs after accepting before the first try', async () => {
    await start(likeOurService, { ...FAST, delayMs: 200 });
    const msgId = await fileAsync();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(receiver.received).toHaveLength(0);
    await fake.callbackDone(msgId);
    expect(receiver.received).toHaveLength(1);
  });

  it('stops after the first answer with rsp=succ', async () => {
    await start(likeOurService);
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toEqual({ msgId, delivered: true, tries: 1 });
    expect(fake.callbackTries).toHaveLength(1);
  });

  it('repeats every retryMs until answered with success', async () => {
    await start((req, i) => (i < 2 ? FAIL_4003 : SUCC(fieldsOf(req).msg_id)));
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toEqual({ msgId, delivered: true, tries: 3 });
    expect(receiver.received.map((r) => fieldsOf(r).msg_id)).toEqual([msgId, msgId, msgId]);
  });

  it('records every try with our answer', async () => {
    await start((req, i) => (i < 1 ? FAIL_4003 : SUCC(fieldsOf(req).msg_id)));
    const msgId = await fileAsync();
    await fake.callbackDone(msgId);
    expect(fake.callbackTries.map(({ msgId: m, attempt, status, body }) => ({ m, attempt, status, body }))).toEqual([
      { m: msgId, attempt: 1, status: 200, body: FAIL_4003.body },
      { m: msgId, attempt: 2, status: 200, body: SUCC(msgId).body },
    ]);
  });

  it('gives up after maxTries when never answered with success', async () => {
    await start(() => FAIL_4003, { ...FAST, maxTries: 3 });
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toEqual({ msgId, delivered: false, tries: 3 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(receiver.received).toHaveLength(3);
  });

  it('treats an HTTP 500 as no success and tries again', async () => {
    await start((req, i) => (i === 0 ? { status: 500, body: 'oops' } : SUCC(fieldsOf(req).msg_id)));
    await expect(fake.callbackDone(await fileAsync())).resolves.toMatchObject({ delivered: true, tries: 2 });
  });

  it('treats a non-JSON answer (even the text "succ") as no success and tries again', async () => {
    await start((req, i) => (i === 0 ? { body: 'succ' } : SUCC(fieldsOf(req).msg_id)));
    await expect(fake.callbackDone(await fileAsync())).resolves.toMatchObject({ delivered: true, tries: 2 });
  });

  it('retries a callback_url nobody listens on, recording the error, at most maxTries', async () => {
    await start(likeOurService, { ...FAST, maxTries: 2 });
    const msgId = await fileAsync(`http://127.0.0.1:${await closedPort()}/callbacks/shopex`);
    await expect(fake.callbackDone(msgId)).resolves.toEqual({ msgId, delivered: false, tries: 2 });
    expect(fake.callbackTries.every((t) => t.status === null && typeof t.error === 'string')).toBe(true);
  });

  it('sends nothing for an application filed without callback_url', async () => {
    await start(likeOurService);
    await fileAsync('');
    await expect(fake.callbackDone(fake.applications[0].msgId)).rejects.toThrow('no auto-callback loop');
  });

  it('sends nothing by itself without the autoCallback option', async () => {
    receiver = await startReceiver(likeOurService);
    fake = await startFakeShopex();
    await fileAsync();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(receiver.received).toHaveLength(0);
    expect(fake.callbackTries).toHaveLength(0);
  });

  it('stops waiting and sends nothing more once closed', async () => {
    await start(likeOurService, { ...FAST, delayMs: 500 });
    const msgId = await fileAsync();
    const done = fake.callbackDone(msgId);
    await fake.close();
    await expect(done).resolves.toEqual({ msgId, delivered: false, tries: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(receiver.received).toHaveLength(0);
  });
});

describe('ShopEx fake: callback faults', () => {
  it('drop: loses the try (nothing sent), then sends on the next', async () => {
    await start(likeOurService);
    fake.callbackFaults('drop', 1);
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toMatchObject({ delivered: true, tries: 2 });
    expect(receiver.received).toHaveLength(1);
    expect(fake.callbackTries[0]).toMatchObject({ attempt: 1, fault: 'drop', fields: null, status: null });
  });

  it('duplicate: posts the same callback twice in one try', async () => {
    await start(likeOurService);
    fake.callbackFaults('duplicate', 1);
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toMatchObject({ delivered: true, tries: 1 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
  });

  it('badsign: signs with another token, and the repeat after our 4003 is signed right', async () => {
    await start(likeOurService);
    fake.callbackFaults('badsign', 1);
    const msgId = await fileAsync();
    await expect(fake.callbackDone(msgId)).resolves.toMatchObject({ delivered: true, tries: 2 });
    expect(verifyShopexSign(fieldsOf(receiver.received[0]), SHOPEX_FAKE_TOKEN)).toBe(false);
    expect(fake.callbackTries[0].body).toBe(FAIL_4003.body);
    expect(verifyShopexSign(fieldsOf(receiver.received[1]), SHOPEX_FAKE_TOKEN)).toBe(true);
  });

  it('fail: reports the application failed (rsp=fail, res w01001, 售后单已存在), signed right', async () => {
    await start(likeOurService);
    fake.callbackFaults('fail', 1);
    await fake.callbackDone(await fileAsync());
    const fields = fieldsOf(receiver.received[0]);
    expect(fields).toMatchObject({ rsp: 'fail', res: SHOPEX_FAKE_FAIL_CALLBACK.res, err_msg: SHOPEX_FAKE_FAIL_CALLBACK.errMsg });
    expect(verifyShopexSign(fields, SHOPEX_FAKE_TOKEN)).toBe(true);
  });

  it('applies queued faults to the next tries in order, one each', async () => {
    await start(likeOurService, { ...FAST, maxTries: 5 });
    fake.callbackFaults('drop', 2);
    fake.callbackFaults('badsign', 1);
    await expect(fake.callbackDone(await fileAsync())).resolves.toMatchObject({ delivered: true, tries: 4 });
    expect(fake.callbackTries.map((t) => t.fault)).toEqual(['drop', 'drop', 'badsign', null]);
  });

  it('keeps the manual sendCallback working beside the loop', async () => {
    await start(likeOurService, { ...FAST, maxTries: 1 });
    const msgId = await fileAsync();
    await fake.callbackDone(msgId);
    const answer = await fake.sendCallback(msgId, { rsp: 'fail', res: 'x' });
    expect(answer).toEqual({ status: 200, body: SUCC(msgId).body });
    expect(receiver.received).toHaveLength(2);
  });
});
