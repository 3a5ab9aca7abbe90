import { Claim, ClaimEvent } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const CONFIG = {
  platforms: {
    glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' },
    appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'sess' },
  },
  routes: [
    {
      name: 'warehouse-loss', platform: 'glitzcloud', when: { established: true, responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio',
      fields: { type: '1', connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason}' },
    },
    { name: 'delivery-loss', platform: 'appintf', when: { established: true }, share: 'deliveryRatio', fields: { orderId: '{externalOrderId}' } },
  ],
};

/** The spec's example with a claim amount of 89.90 split 60/40. */
function judgment(overrides: { warehouseRatio?: number; deliveryRatio?: number; claimAmount?: number; responsibilityParty?: string } = {}) {
  const j = specExample();
  Object.assign(j.judgeResult, { claimAmount: 89.9, warehouseRatio: 60, deliveryRatio: 40 }, overrides);
  return j;
}

describe.each(TEST_DATABASES)('claims written with the judgment (outbox) on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, CONFIG);
  });
  afterEach(() => svc.close());

  const claims = () => svc.dataSource.getRepository(Claim).find({ order: { route: 'ASC' } });

  it('writes one pending claim per matching route with its share in fen and resolved fields', async () => {
    const { json } = await svc.push(judgment());
    const [delivery, warehouse] = await claims();
    expect(warehouse).toMatchObject({ workOrderId: json.data.workOrderId, platform: 'glitzcloud', status: 'pending', amountMinor: 5394, currency: 'CNY', attempts: 0 });
    expect(JSON.parse(warehouse.fields)).toEqual({ type: '1', connect_order_sn: 'LOGI_202501010001', problem_description: '仓内拣选导致临期' });
    expect(delivery).toMatchObject({ platform: 'appintf', amountMinor: 3596 });
    expect(warehouse.nextAttemptAt).not.toBeNull();
  });

  it('records why each claim was created', async () => {
    await svc.push(judgment());
    const events = await svc.dataSource.getRepository(ClaimEvent).find();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ fromStatus: null, toStatus: 'pending', source: 'push' });
    expect(events.map((e) => e.reason).join('\n')).toContain('responsibilityParty matches');
  });

  it('writes no claim when no route matches', async () => {
    const j = judgment();
    j.judgeResult.established = false;
    await svc.push(j);
    expect(await claims()).toEqual([]);
  });

  it('writes no second claim when the same judgment is pushed twice', async () => {
    await svc.push(judgment());
    await svc.push(judgment());
    expect(await claims()).toHaveLength(2);
  });

  it('updates the amount of an unsent claim when a new revision changes it, and records why', async () => {
    await svc.push(judgment());
    await svc.push(judgment({ warehouseRatio: 70, deliveryRatio: 30 }));
    const [delivery, warehouse] = await claims();
    expect([warehouse.amountMinor, warehouse.revision]).toEqual([6293, 2]);
    expect(delivery.amountMinor).toBe(2697);
    const reasons = (await svc.dataSource.getRepository(ClaimEvent).findBy({ claimId: warehouse.id })).map((e) => e.reason);
    expect(reasons[1]).toContain('53.94 CNY → 62.93 CNY');
  });

  it('cancels an unsent claim whose route no longer matches the new revision', async () => {
    await svc.push(judgment());
    await svc.push(judgment({ responsibilityParty: 'DELIVERY' }));
    const [, warehouse] = await claims();
    expect(warehouse.status).toBe('cancelled');
    const last = await svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId: warehouse.id }, order: { id: 'DESC' } });
    expect(last).toMatchObject({ fromStatus: 'pending', toStatus: 'cancelled', source: 'push' });
    expect(last!.reason).toContain('no longer matches');
  });

  it('never changes a claim that was already sent; it records the new revision instead', async () => {
    await svc.push(judgment());
    await svc.dataSource.getRepository(Claim).update({ route: 'warehouse-loss' }, { status: 'submitted', attempts: 1 });
    await svc.push(judgment({ warehouseRatio: 70, deliveryRatio: 30 }));
    const [, warehouse] = await claims();
    expect([warehouse.status, warehouse.amountMinor, warehouse.revision]).toEqual(['submitted', 5394, 1]);
    const last = await svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId: warehouse.id }, order: { id: 'DESC' } });
    expect(last!.reason).toContain('already sent: not filed again');
    expect(await claims()).toHaveLength(2);
  });

  it('creates one claim per route when twenty identical pushes race', async () => {
    await Promise.all(Array.from({ length: 20 }, () => svc.push(judgment())));
    expect(await claims()).toHaveLength(2);
  });
});
