import { Claim, ClaimEvent, JudgmentRevision, RawPush, WorkOrder } from '../../src/entities';
import { call } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const TOKEN = 'viewer-token-0123456789';
const CONFIG = {
  platforms: {
    glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' },
    appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'sess' },
  },
  routes: [
    { name: 'warehouse-loss', platform: 'glitzcloud', when: { established: true }, share: 'warehouseRatio', fields: { connect_order_sn: '{logisticsOrderNo}' } },
    { name: 'delivery-loss', platform: 'appintf', when: { established: true }, share: 'deliveryRatio', fields: { orderId: '{externalOrderId|digits}' } },
  ],
  finance: { tokens: [{ name: 'fin-viewer', token: TOKEN, role: 'viewer' }] },
};

/** The spec's example judging (and paying) `claimAmount` yuan, split 60/40 between warehouse and delivery. */
function judgment(claimAmount: number) {
  const j = specExample();
  Object.assign(j.judgeResult, { claimAmount, warehouseRatio: 60, deliveryRatio: 40 });
  j.paymentInfo.paymentAmount = claimAmount;
  return j;
}

/** Qimen's clock: pushes stamped `seconds` before now (within the timestamp window). */
const stampedAgo = (seconds: number) => Date.now() - seconds * 1000;

/**
 * Issue 15, order: revisions are ordered by the push's Qimen `timestamp`, then arrival. An older push that
 * arrives after a newer one never reverts the judgment: a replay of a stored revision stores nothing, and a
 * judgment not stored before is kept as an out-of-order revision that changes no claim.
 */
describe.each(TEST_DATABASES)('pushes arriving out of order on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, CONFIG);
  });
  afterEach(() => svc.close());

  /** A push signed once, as a gateway would capture it, that can be sent again byte for byte. */
  function captured(body: object, timestampMs: number) {
    const request = signedPush(JSON.stringify(body), { timestampMs });
    return async () => {
      const res = await fetch(`${svc.baseUrl}/qimen?${request.query}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: request.body });
      return (await res.json()) as { errorId: string; data: { workOrderId: number } };
    };
  }
  const claims = () => svc.dataSource.getRepository(Claim).find({ order: { route: 'ASC' } });
  const revisions = () => svc.dataSource.getRepository(JudgmentRevision).find({ order: { revision: 'ASC' } });
  const rowCounts = async () => ({
    revisions: await svc.dataSource.getRepository(JudgmentRevision).count(),
    rawPushes: await svc.dataSource.getRepository(RawPush).count(),
    claimEvents: await svc.dataSource.getRepository(ClaimEvent).count(),
  });

  it("answers A's captured request sent again after a newer B with the same workOrderId, storing nothing: B stays the judgment and its claims stay pending", async () => {
    const sendA = captured(judgment(300), stampedAgo(120));
    const a = await sendA();
    const b = await svc.push(judgment(500), { timestampMs: stampedAgo(60) });
    const before = await rowCounts();

    const again = await sendA();

    expect(again).toMatchObject({ errorId: 'success', data: { workOrderId: a.data.workOrderId } });
    expect(b.json.data.workOrderId).toBe(a.data.workOrderId);
    expect(await rowCounts()).toEqual(before);
    const workOrder = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id: a.data.workOrderId });
    expect([workOrder.latestRevision, workOrder.revisionCount, workOrder.outOfOrderCount]).toEqual([2, 2, 0]);
    expect((await claims()).map((c) => [c.route, c.status, c.amountMinor, c.revision])).toEqual([
      ['delivery-loss', 'pending', 20000, 2], ['warehouse-loss', 'pending', 30000, 2],
    ]);
  });

  it('keeps an older push Qimen pushes again after a newer one, never stored before, as an out-of-order revision that changes nothing', async () => {
    await svc.push(judgment(100), { timestampMs: stampedAgo(180) });
    const b = await svc.push(judgment(500), { timestampMs: stampedAgo(60) });
    // The push stamped between them failed before it was stored (Qimen got no success) and arrives again now.
    const claimsBefore = await claims();
    const eventsBefore = await svc.dataSource.getRepository(ClaimEvent).count();

    const late = await svc.push(judgment(300), { timestampMs: stampedAgo(120) });

    expect(late.json).toMatchObject({ errorId: 'success', data: { workOrderId: b.json.data.workOrderId } });
    expect((await revisions()).map((r) => [r.revision, r.claimAmountMinor, r.outOfOrder])).toEqual([[1, 10000, false], [2, 50000, false], [3, 30000, true]]);
    const workOrder = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id: b.json.data.workOrderId });
    expect([workOrder.latestRevision, workOrder.revisionCount, workOrder.outOfOrderCount]).toEqual([2, 3, 1]);
    expect(await claims()).toEqual(claimsBefore);
    expect(await svc.dataSource.getRepository(ClaimEvent).count()).toBe(eventsBefore);
  });

  it('shows the out-of-order revision in the detail, flags the judgment out-of-order, and the flag filter finds it', async () => {
    const b = await svc.push(judgment(500), { timestampMs: stampedAgo(60) });
    await svc.push(judgment(300), { timestampMs: stampedAgo(120) });
    await svc.push({ ...judgment(100), externalOrderId: 'IN_ORDER' }, { timestampMs: stampedAgo(60) });
    const id = b.json.data.workOrderId;

    const detail = (await call(svc.baseUrl, `/api/judgments/${id}`, { token: TOKEN })).json;
    expect(detail).toMatchObject({ revision: 1, claimAmount: '500.00', flags: ['out-of-order'] });
    // Oldest first by Qimen's timestamp: the last is the latest revision.
    expect(detail.revisions.map((r: any) => [r.revision, r.claimAmount, r.outOfOrder])).toEqual([[2, '300.00', true], [1, '500.00', false]]);
    expect(new Date(detail.revisions[0].pushedAt).getTime()).toBeLessThan(new Date(detail.revisions[1].pushedAt).getTime());
    const listed = (await call(svc.baseUrl, '/api/judgments?flag=out-of-order', { token: TOKEN })).json;
    expect(listed.items.map((i: any) => [i.workOrderId, i.flags])).toEqual([[id, ['out-of-order']]]);
    // The summary counts the latest revisions only: the out-of-order 300.00 is not judged.
    const [cny] = (await call(svc.baseUrl, '/api/summary', { token: TOKEN })).json.currencies;
    expect(cny).toMatchObject({ judgments: 2, judgedClaimAmount: '600.00', flags: expect.objectContaining({ 'out-of-order': 1 }) });
  });

  it('answers an out-of-order push sent again as a replay: nothing stored', async () => {
    await svc.push(judgment(500), { timestampMs: stampedAgo(60) });
    const sendLate = captured(judgment(300), stampedAgo(120));
    await sendLate();
    const before = await rowCounts();

    expect((await sendLate()).errorId).toBe('success');
    expect(await rowCounts()).toEqual(before);
  });

  it('makes a push equal to an earlier revision but stamped later than the latest the new latest: Qimen judged back', async () => {
    await svc.push(judgment(300), { timestampMs: stampedAgo(120) });
    await svc.push(judgment(500), { timestampMs: stampedAgo(60) });
    const back = await svc.push(judgment(300), { timestampMs: stampedAgo(0) });

    const workOrder = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id: back.json.data.workOrderId });
    expect([workOrder.latestRevision, workOrder.outOfOrderCount]).toEqual([3, 0]);
    expect((await claims()).map((c) => [c.status, c.amountMinor, c.revision])).toEqual([['pending', 12000, 3], ['pending', 18000, 3]]);
  });

  it('orders two changed pushes with the same timestamp by arrival: the later one is the latest', async () => {
    const at = stampedAgo(60);
    await svc.push(judgment(300), { timestampMs: at });
    const second = await svc.push(judgment(500), { timestampMs: at });

    const workOrder = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ id: second.json.data.workOrderId });
    expect([workOrder.latestRevision, workOrder.outOfOrderCount]).toEqual([2, 0]);
  });
});
