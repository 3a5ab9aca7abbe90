import { PackageIndexJob, ResponsibilityPackage, WorkOrder } from '../../src/entities';
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

  it('is accepted, stored once, and every package becomes queryable by number after the answer', async () => {
    const nos = Array.from({ length: PACKAGES }, (_, i) => `DN${String(i).padStart(14, '0')}`);
    const body = JSON.stringify({ ...specExample(), responsibilityPackageNos: nos });
    expect(body.length).toBeGreaterThan(18_000_000);

    const { json } = await svc.push(body);
    expect(json.error).toBe('200');

    // Answered once its raw push, revision and package_index_job row were committed (src/storage/package-index.ts).
    const packages = svc.dataSource.getRepository(ResponsibilityPackage);
    const jobs = svc.dataSource.getRepository(PackageIndexJob);
    for (let i = 0; i < 600 && (await jobs.count()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await jobs.count()).toBe(0);
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
