import { CallbackInbox, Claim, ClaimEvent } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { pushAndFileClaims } from '../support/file-a-claim';
import { startTestService, TestService } from '../support/test-service';

const FAST = [0, 20, 20, 20, 20, 20, 20, 20];

describe.each(TEST_DATABASES)('POST /callbacks/duobaoyu on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let afterSaleOrderId: string;

  beforeEach(async () => {
    fakes = await startFakes();
    svc = await startTestService(kind, fakesConfig(fakes, { only: ['duobaoyu-refund'] }));
    fakes.duobaoyu.setPushUrl(`${svc.baseUrl}/callbacks/duobaoyu`);
    await pushAndFileClaims(svc);
    afterSaleOrderId = fakes.duobaoyu.afterSales[0].afterSaleOrderId;
  });
  afterEach(async () => {
    await svc.close();
    await fakes.close();
  });

  const claim = () => svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'duobaoyu-refund' });
  const inbox = () => svc.dataSource.getRepository(CallbackInbox).find({ order: { id: 'ASC' } });

  it('moves the claim on a signed push and answers the text SUCCESS', async () => {
    const tries = await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { retrySchedule: FAST });
    expect(tries.map((t) => t.body)).toEqual(['SUCCESS']);
    expect(await claim()).toMatchObject({ status: 'accepted', platformStatus: '审核通过' });
    const last = await svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId: (await claim()).id }, order: { id: 'DESC' } });
    expect(last).toMatchObject({ fromStatus: 'submitted', toStatus: 'accepted', source: 'callback' });
  });

  it('dedupes a redelivered push by its id: stored once, SUCCESS again, nothing changes', async () => {
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { id: 'push-1', retrySchedule: FAST });
    const events = await svc.dataSource.getRepository(ClaimEvent).count();
    const again = await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { id: 'push-1', duplicate: true, retrySchedule: FAST });
    expect(again.every((t) => t.body === 'SUCCESS')).toBe(true);
    expect(await inbox()).toHaveLength(1);
    expect(await svc.dataSource.getRepository(ClaimEvent).count()).toBe(events);
  });

  it('answers a bad sign with FAIL, stores nothing, and the claim stays as it was', async () => {
    const tries = await fakes.duobaoyu.pushStatus(afterSaleOrderId, '已完成', { badSign: true, retrySchedule: FAST });
    expect(tries).toHaveLength(8); // Duobaoyu keeps retrying, bounded at 8
    expect(tries.every((t) => t.body === 'FAIL')).toBe(true);
    expect(await inbox()).toEqual([]);
    expect((await claim()).status).toBe('submitted');
  });

  it('ignores an older state pushed after a newer one', async () => {
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '已完成', { retrySchedule: FAST });
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { pushTime: Date.now() - 60_000, retrySchedule: FAST });
    expect((await claim()).status).toBe('completed');
    expect((await inbox()).map((r) => r.outcome)).toEqual(['applied', 'out-of-order']);
  });

  it('keeps a push dated before the last one applied for review: accepted at T2 stays accepted after a rejection dated T1', async () => {
    const t2 = Date.now();
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { pushTime: t2, retrySchedule: FAST });
    const tries = await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核驳回', { pushTime: t2 - 1000, retrySchedule: FAST });
    expect(tries.map((t) => t.body)).toEqual(['SUCCESS']);
    expect(await claim()).toMatchObject({ status: 'accepted', platformStatus: '审核通过', platformStatusAt: new Date(t2) });
    const [, stale] = await inbox();
    expect(stale).toMatchObject({ outcome: 'out-of-order', claimId: (await claim()).id });
    expect(stale.note).toContain('older than');
  });

  it('applies a push dated the same as the last one applied', async () => {
    const t = Date.now();
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '审核通过', { pushTime: t, retrySchedule: FAST });
    await fakes.duobaoyu.pushStatus(afterSaleOrderId, '已完成', { pushTime: t, retrySchedule: FAST });
    expect((await claim()).status).toBe('completed');
  });

  it('keeps a push for an unknown after-sale order for review', async () => {
    await fakes.duobaoyu.pushStatus('999999', '审核通过', { retrySchedule: FAST });
    expect((await inbox())[0]).toMatchObject({ outcome: 'unmatched', claimId: null });
  });
});
