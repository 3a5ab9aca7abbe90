import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { JudgmentRevision, RawPush, ResponsibilityPackage, WorkOrder } from '../../src/entities';
import { readRawPushBody } from '../../src/storage/raw-push-store';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

describe.each(TEST_DATABASES)('POST /qimen danniao.judge on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind);
  });
  afterEach(() => svc.close());

  const count = (entity: EntityTarget<ObjectLiteral>) => svc.dataSource.getRepository(entity).count();

  it("accepts the spec's own request example and answers a positive workOrderId in the success envelope", async () => {
    const { status, json } = await svc.push(specExample());
    expect(status).toBe(200);
    expect(json).toMatchObject({ error: '200', errorMessage: '操作成功', errorId: 'success' });
    expect(Number.isInteger(json.data.workOrderId) && json.data.workOrderId > 0).toBe(true);
    expect(typeof json.timestamp).toBe('number');
  });

  it('stores every scalar field as a typed column, money in fen beside its text', async () => {
    const { json } = await svc.push(specExample());
    const rev = await svc.dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId: json.data.workOrderId });
    expect(rev).toMatchObject({
      revision: 1, bizType: 'EXPIRATION_PROBLEM', workOrderType: 2, lpCode: 'LP123456789CN', sourceSystem: 4,
      creatorRole: 1, creatorDomain: '83', creatorId: 'CN_USER_10001', logisticsOrderNo: 'LOGI_202501010001',
      externalOrderId: 'TMALL_1234567890', waybillNo: '75123456789012', tenantId: 'MAOCHAO',
      claimInfoClaimAmountText: '749', claimInfoClaimAmountFen: 749, claimInfoClaimAmountCurrency: 'CNY',
      claimInfoGoodsName: '某品牌牛奶 250ml*12', claimInfoExceedsMaxCompensation: false, claimInfoTotalQty: 1,
      established: true, responsibilityParty: 'WAREHOUSE', warehouseRatioBp: 10000, deliveryRatioBp: 0,
      claimAmountText: '0', claimAmountMinor: 0, judgeReason: '仓内拣选导致临期', compensationType: 'REFUND',
      paymentStatus: 'SUCCESS', paymentAmountMinor: 0, paymentChargeTime: null, currency: 'CNY', packageCount: 0,
    });
  });

  it('stores amounts with decimals exactly in fen and times in UTC', async () => {
    const body = specExample();
    body.judgeResult.claimAmount = 89.9;
    body.paymentInfo.paymentAmount = 10.05;
    body.paymentInfo.paymentChargeTime = 1731300005000;
    const { json } = await svc.push(body);
    const rev = await svc.dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId: json.data.workOrderId });
    expect(rev.claimAmountMinor).toBe(8990);
    expect(rev.claimAmountText).toBe('89.9');
    expect(rev.paymentAmountMinor).toBe(1005);
    expect(rev.paymentChargeTime!.toISOString()).toBe('2024-11-11T04:40:05.000Z');
  });

  it('keeps the raw push: body byte for byte, query without sign, headers', async () => {
    const text = JSON.stringify(specExample(), null, 2) + '\n';
    const { json } = await svc.push(text);
    const rev = await svc.dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId: json.data.workOrderId });
    const raw = await svc.dataSource.getRepository(RawPush).findOneByOrFail({ id: rev.rawPushId });
    expect((await readRawPushBody(svc.dataSource, raw.id)).toString('utf8')).toBe(text);
    const query = JSON.parse(raw.query);
    expect(query.sign).toBeUndefined();
    expect(query.method).toBe('qimen.alibaba.dchain.workorder.danniao.judge');
    expect(raw.verification).toBe('md5:ok');
    expect(JSON.parse(raw.headers)['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('stores no empty package number (the spec example holds [""])', async () => {
    await svc.push(specExample());
    expect(await count(ResponsibilityPackage)).toBe(0);
  });

  it('stores package numbers queryable by number', async () => {
    const body = { ...specExample(), responsibilityPackageNos: ['PKG-1', '', 'PKG-2'] };
    const { json } = await svc.push(body);
    const found = await svc.dataSource.getRepository(ResponsibilityPackage).findBy({ packageNo: 'PKG-2' });
    expect(found.map((p) => p.workOrderId)).toEqual([json.data.workOrderId]);
  });

  it.each(['hmac', 'hmac-sha256'] as const)('accepts a push signed with %s', async (signMethod) => {
    const { json } = await svc.push(specExample(), { signMethod });
    expect(json.error).toBe('200');
  });

  it('accepts a push with an empty query parameter (partner_id=) signed the SpiUtils way', async () => {
    const { json } = await svc.push(specExample(), { extra: { partner_id: '' } });
    expect(json.error).toBe('200');
  });

  it('reads the body as JSON whatever the Content-Type says', async () => {
    const { json } = await svc.push(specExample(), { contentType: 'application/x-www-form-urlencoded' });
    expect(json.error).toBe('200');
  });
});

describe.each(TEST_DATABASES)('storing a work order once on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind);
  });
  afterEach(() => svc.close());

  const rows = async () => ({
    workOrders: await svc.dataSource.getRepository(WorkOrder).count(),
    revisions: await svc.dataSource.getRepository(JudgmentRevision).count(),
    rawPushes: await svc.dataSource.getRepository(RawPush).count(),
  });

  it('answers an identical re-push with the same id and writes nothing', async () => {
    const first = await svc.push(specExample());
    const before = await rows();
    const again = await svc.push(specExample(), { timestampMs: Date.now() - 60_000 });
    expect(again.json.data.workOrderId).toBe(first.json.data.workOrderId);
    expect(await rows()).toEqual(before);
  });

  it('treats a re-push with other key order and white space as identical', async () => {
    const first = await svc.push(specExample());
    const reordered = Object.fromEntries(Object.entries(specExample()).reverse());
    const again = await svc.push(JSON.stringify(reordered, null, 4));
    expect(again.json.data.workOrderId).toBe(first.json.data.workOrderId);
    expect((await rows()).revisions).toBe(1);
  });

  it('adds a revision for a changed push of the same identity and answers the same id', async () => {
    const first = await svc.push(specExample());
    const changed = specExample();
    changed.judgeResult.warehouseRatio = 60;
    changed.judgeResult.deliveryRatio = 40;
    const second = await svc.push(changed);
    expect(second.json.data.workOrderId).toBe(first.json.data.workOrderId);
    const revisions = await svc.dataSource.getRepository(JudgmentRevision).find({ order: { revision: 'ASC' } });
    expect(revisions.map((r) => [r.revision, r.warehouseRatioBp])).toEqual([[1, 10000], [2, 6000]]);
    const wo = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id: first.json.data.workOrderId });
    expect(wo.latestRevision).toBe(2);
  });

  it('gives another identity another work order', async () => {
    const a = await svc.push(specExample());
    const b = await svc.push({ ...specExample(), externalOrderId: 'TMALL_OTHER' });
    expect(b.json.data.workOrderId).not.toBe(a.json.data.workOrderId);
  });

  it('stores twenty identical pushes sent in parallel as one work order and one revision', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => svc.push(specExample())));
    expect(answers.every((a) => a.json.error === '200')).toBe(true);
    expect(new Set(answers.map((a) => a.json.data.workOrderId)).size).toBe(1);
    expect(await rows()).toEqual({ workOrders: 1, revisions: 1, rawPushes: 1 });
  });

  it('stores parallel changed pushes of one identity as consecutive revisions of one work order', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => ({ ...specExample(), description: `revision ${i}` }));
    const answers = await Promise.all(bodies.map((b) => svc.push(b)));
    expect(new Set(answers.map((a) => a.json.data.workOrderId)).size).toBe(1);
    const revisions = await svc.dataSource.getRepository(JudgmentRevision).find({ order: { revision: 'ASC' } });
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives a push with neither tenantId nor externalOrderId a new work order each time', async () => {
    const { tenantId, externalOrderId, ...anonymous } = specExample();
    const a = await svc.push(anonymous);
    const b = await svc.push({ ...anonymous, description: 'another' });
    expect(b.json.data.workOrderId).not.toBe(a.json.data.workOrderId);
  });

  it('finds the same work order for a byte-identical push without identity fields', async () => {
    const { tenantId, externalOrderId, ...anonymous } = specExample();
    const text = JSON.stringify(anonymous);
    const a = await svc.push(text);
    const b = await svc.push(text);
    expect(b.json.data.workOrderId).toBe(a.json.data.workOrderId);
    expect((await rows()).workOrders).toBe(1);
  });

  it('gives a push with only externalOrderId the identity (none, externalOrderId)', async () => {
    const { tenantId, ...partial } = specExample();
    const a = await svc.push(partial);
    const b = await svc.push({ ...partial, description: 'changed' });
    expect(b.json.data.workOrderId).toBe(a.json.data.workOrderId);
    expect((await rows()).revisions).toBe(2);
  });
});
