import { CallbackInbox, Claim, ClaimEvent } from '../../src/entities';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { pushAndFileClaims } from '../support/file-a-claim';
import { startTestService, TestService } from '../support/test-service';

describe.each(TEST_DATABASES)('POST /callbacks/shopex on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let msgId: string;

  beforeEach(async () => {
    fakes = await startFakes();
    svc = await startTestService(kind, (baseUrl) => fakesConfig(fakes, { only: ['shopex-aftersale'], callbackUrl: `${baseUrl}/callbacks/shopex` }));
    await pushAndFileClaims(svc);
    msgId = fakes.shopex.applications[0].msgId;
  });
  afterEach(async () => {
    await svc.close();
    await fakes.close();
  });

  const claim = () => svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'shopex-aftersale' });
  const inbox = () => svc.dataSource.getRepository(CallbackInbox).find({ order: { id: 'ASC' } });

  it('records the platform after-sale id on a success callback and answers succ with the msg_id', async () => {
    expect((await claim()).status).toBe('submitted');
    const answer = await fakes.shopex.sendCallback(msgId);
    expect(JSON.parse(answer.body)).toEqual({ rsp: 'succ', res: '', msg_id: msgId });
    const c = await claim();
    expect(c.platformClaimId).toBe(fakes.shopex.applications[0].trade.aftersale_id);
    expect((await inbox())[0]).toMatchObject({ platform: 'shopex', claimId: c.id });
  });

  it('moves the claim to the status the trade reports (3 接受申请 → accepted)', async () => {
    const app = fakes.shopex.applications[0];
    await fakes.shopex.sendCallback(msgId, { data: JSON.stringify({ trade: { ...app.trade, status: '3' } }) });
    const c = await claim();
    expect(c.status).toBe('accepted');
    const events = await svc.dataSource.getRepository(ClaimEvent).find({ where: { claimId: c.id }, order: { id: 'ASC' } });
    expect(events.at(-1)).toMatchObject({ fromStatus: 'submitted', toStatus: 'accepted', source: 'callback' });
  });

  it('rejects the claim on a failure callback, with res and err_msg in lastError', async () => {
    await fakes.shopex.sendCallback(msgId, { rsp: 'fail', res: 'w01001', errMsg: '售后单已存在', data: '' });
    expect(await claim()).toMatchObject({ status: 'rejected', lastError: 'w01001: 售后单已存在' });
  });

  it('answers a bad sign 4003, stores nothing and leaves the claim as it was', async () => {
    const answer = await fakes.shopex.sendCallback(msgId, { signWithToken: 'not-the-token' });
    expect(JSON.parse(answer.body)).toMatchObject({ rsp: 'fail', res: '4003' });
    expect(await inbox()).toEqual([]);
    expect((await claim()).platformClaimId).toBeNull();
  });

  it('answers a repeated callback succ again and changes nothing', async () => {
    const app = fakes.shopex.applications[0];
    const data = JSON.stringify({ trade: { ...app.trade, status: '3' } });
    await fakes.shopex.sendCallback(msgId, { data });
    const eventsBefore = await svc.dataSource.getRepository(ClaimEvent).count();
    const again = await fakes.shopex.sendCallback(msgId, { data });
    expect(JSON.parse(again.body)).toMatchObject({ rsp: 'succ', msg_id: msgId });
    expect(await inbox()).toHaveLength(1);
    expect(await svc.dataSource.getRepository(ClaimEvent).count()).toBe(eventsBefore);
  });

  it('never moves a claim backwards on an older status arriving late', async () => {
    const app = fakes.shopex.applications[0];
    await fakes.shopex.sendCallback(msgId, { data: JSON.stringify({ trade: { ...app.trade, status: '4' } }) });
    await fakes.shopex.sendCallback(msgId, { data: JSON.stringify({ trade: { ...app.trade, status: '1' } }) });
    expect((await claim()).status).toBe('completed');
    expect((await inbox()).map((r) => r.outcome)).toEqual(['applied', 'ignored']);
  });

  it('stores a callback for an unknown msg_id for review and answers succ', async () => {
    const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', data: '{"trade":{"tid":"T1","aftersale_id":"9"}}', msg_id: 'unknown-msg' };
    fields.sign = signShopexParams(fields, svc.config.platforms.shopex!.token);
    const res = await fetch(`${svc.baseUrl}/callbacks/shopex`, { method: 'POST', body: new URLSearchParams(fields) });
    expect(await res.json()).toEqual({ rsp: 'succ', res: '', msg_id: 'unknown-msg' });
    expect((await inbox())[0]).toMatchObject({ outcome: 'unmatched', claimId: null });
  });

  it('does not acknowledge a callback it could not store (the matrix repeats it)', async () => {
    await svc.dataSource.destroy();
    const answer = await fakes.shopex.sendCallback(msgId);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ rsp: 'fail' });
  });
});

describe.each(TEST_DATABASES)("the ShopEx fake's repeat-until-success callback loop on %s", (kind) => {
  it('ends with the claim updated once, after a bad-signed try was refused and repeated', async () => {
    const { startFakeShopex } = await import('../fakes');
    const fakes = await startFakes();
    const shopex = await startFakeShopex({ autoCallback: { delayMs: 10, retryMs: 30, maxTries: 5 } });
    const svc = await startTestService(kind, (baseUrl) => {
      const c = fakesConfig(fakes, { only: ['shopex-aftersale'], callbackUrl: `${baseUrl}/callbacks/shopex` });
      return { ...c, platforms: { ...c.platforms, shopex: { ...c.platforms.shopex, baseUrl: shopex.baseUrl } } };
    });
    try {
      shopex.callbackFaults('badsign', 1);
      shopex.setTradeStatus('3');
      await pushAndFileClaims(svc);
      const msgId = shopex.applications[0].msgId;
      const done = await shopex.callbackDone(msgId);
      expect(done.delivered).toBe(true);
      expect(shopex.callbackTries.map((t) => JSON.parse(t.body ?? '{}').rsp)).toEqual(['fail', 'succ']);
      const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'shopex-aftersale' });
      expect(claim).toMatchObject({ status: 'accepted', platformClaimId: shopex.applications[0].trade.aftersale_id });
      expect(await svc.dataSource.getRepository(CallbackInbox).count()).toBe(1);
    } finally {
      await svc.close();
      await shopex.close();
      await fakes.close();
    }
  });
});
