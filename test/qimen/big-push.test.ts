import { ResponsibilityPackage, WorkOrder } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** The spec's limit: 999,999 responsibility package numbers (about 20 MB of JSON). */
const PACKAGES = 999_999;

describe.each(TEST_DATABASES)('a 999,999-package push on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind);
  });
  afterAll(() => svc.close());

  it('is accepted, stored once, and every package is queryable by number', async () => {
    const nos = Array.from({ length: PACKAGES }, (_, i) => `DN${String(i).padStart(14, '0')}`);
    const body = JSON.stringify({ ...specExample(), responsibilityPackageNos: nos });
    expect(body.length).toBeGreaterThan(18_000_000);

    const { json } = await svc.push(body);
    expect(json.error).toBe('200');

    const packages = svc.dataSource.getRepository(ResponsibilityPackage);
    expect(await packages.count()).toBe(PACKAGES);
    for (const no of [nos[0], nos[500_000], nos[PACKAGES - 1]]) {
      expect((await packages.findOneByOrFail({ packageNo: no })).workOrderId).toBe(json.data.workOrderId);
    }

    const again = await svc.push(body);
    expect(again.json.data.workOrderId).toBe(json.data.workOrderId);
    expect(await packages.count()).toBe(PACKAGES);
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(1);
  }, 180_000);
});
