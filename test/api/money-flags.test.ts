import { Claim } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';
import { call } from './finance-fixture';

const TOKEN = 'viewer-token-0123456789';
const CONFIG = {
  platforms: {
    appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'session-secret-xyz' },
    glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'glitz-api-key', secretkey: 'glitz-secret-key', storeName: 'TWUSA01' },
  },
  routes: [
    { name: 'whole', platform: 'appintf', when: { established: true }, fields: { orderId: '123456', cause: '{judgeResult.judgeReason}' } },
    { name: 'share', platform: 'glitzcloud', when: { established: true, tenantId: 'SHARED' }, share: 'warehouseRatio', fields: { type: '1' } },
  ],
  finance: { tokens: [{ name: 'fin-viewer', token: TOKEN, role: 'viewer' }] },
};

/**
 * Issue 15, item 4: a judgment revised after its claim was sent (claim-outdated), claims adding up to
 * more than the judgment (over-claimed), and share-uncovered never on a judgment that is not established.
 * Each flag as the items carry it and as the `flag=` filter finds it, which must agree.
 */
describe.each(TEST_DATABASES)('money flags on %s', (kind) => {
  let svc: TestService;
  const ids: Record<string, number> = {};
  const byId = () => Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));

  function judgment(key: string, over: { amount?: number; established?: boolean; ratios?: [number, number]; tenantId?: string } = {}) {
    const j = specExample();
    j.externalOrderId = `ORDER-${key}`;
    j.tenantId = over.tenantId ?? 'MAOCHAO';
    j.judgeResult.established = over.established ?? true;
    j.judgeResult.claimAmount = over.amount ?? 45;
    j.judgeResult.warehouseRatio = over.ratios?.[0] ?? 100;
    j.judgeResult.deliveryRatio = over.ratios?.[1] ?? 0;
    j.paymentInfo.paymentAmount = j.judgeResult.claimAmount;
    return j;
  }
  async function push(key: string, over: Parameters<typeof judgment>[1] = {}) {
    const { json } = await svc.push(judgment(key, over));
    ids[key] = json.data.workOrderId;
  }
  /** Marks every claim of the work order as sent and taken by its platform. */
  const markSent = (key: string) => svc.dataSource.getRepository(Claim).update({ workOrderId: ids[key] }, { status: 'submitted', attempts: 1, nextAttemptAt: null });
  const flagsOf = async (key: string) => (await call(svc.baseUrl, `/api/judgments/${ids[key]}`, { token: TOKEN })).json.flags;
  const filtered = async (flag: string) => {
    const res = await call(svc.baseUrl, `/api/judgments?flag=${flag}`, { token: TOKEN });
    expect(res.status).toBe(200);
    return res.json.items.map((i: any) => byId()[i.workOrderId]).sort().join(',');
  };

  beforeAll(async () => {
    svc = await startTestService(kind, CONFIG);
    await push('RAISED'); // 45.00 sent, then revised to 55.00
    await markSent('RAISED');
    await push('RAISED', { amount: 55 });
    await push('DROPPED'); // 45.00 sent, then revised to not established, 0.00
    await markSent('DROPPED');
    await push('DROPPED', { established: false, amount: 0 });
    await push('DOUBLE', { amount: 100, ratios: [60, 0], tenantId: 'SHARED' }); // share 60.00 + whole 100.00 against 100.00
    await push('UNESTABLISHED', { established: false, amount: 10, ratios: [60, 30] });
    await push('PLAIN');
  });
  afterAll(() => svc.close());

  it('flags a claim sent for 45.00 whose judgment was revised to 55.00 claim-outdated, not over-claimed', async () => {
    expect(await flagsOf('RAISED')).toEqual(['claim-outdated']);
  });

  it('flags a claim left standing after the judgment was revised to not established, 0.00: over-claimed and claim-outdated', async () => {
    expect(await flagsOf('DROPPED')).toEqual(['over-claimed', 'claim-outdated']);
  });

  it('flags claims adding up to more than the judged amount over-claimed', async () => {
    expect(await flagsOf('DOUBLE')).toEqual(['over-claimed']);
  });

  it('never flags a judgment that is not established share-uncovered', async () => {
    expect(await flagsOf('UNESTABLISHED')).toEqual([]);
  });

  it.each([
    ['claim-outdated', 'DROPPED,RAISED'],
    ['over-claimed', 'DOUBLE,DROPPED'],
    ['share-uncovered', ''],
  ])('finds with flag=%s exactly the judgments the items carry it on', async (flag, expected) => {
    const { json } = await call(svc.baseUrl, '/api/judgments', { token: TOKEN });
    const carried = json.items.filter((i: any) => i.flags.includes(flag)).map((i: any) => byId()[i.workOrderId]).sort().join(',');
    expect([carried, await filtered(flag)]).toEqual([expected, expected]);
  });

  it('finds with /api/claims?flag=claim-outdated exactly the claims that carry it', async () => {
    const all = await call(svc.baseUrl, '/api/claims?limit=500', { token: TOKEN });
    const carried = all.json.items.filter((c: any) => c.flags.includes('claim-outdated')).map((c: any) => c.id);
    const found = await call(svc.baseUrl, '/api/claims?flag=claim-outdated&limit=500', { token: TOKEN });
    expect(carried).toHaveLength(2);
    expect(found.json.items.map((c: any) => c.id)).toEqual(carried);
  });
});
