import { applyJudgmentFilter, ClaimCheck } from '../../src/api/judgment-filter';
import { reconciliationRules } from '../../src/domain/reconciliation';
import { Claim, JudgmentRevision, WorkOrder } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const CONFIG = {
  platforms: { appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 's' }, glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'X' } },
  routes: [
    { name: 'a', platform: 'appintf', when: { established: true }, fields: {} },
    { name: 'g', platform: 'glitzcloud', when: { responsibilityParty: 'WAREHOUSE' }, fields: {} },
  ],
};

/** Both ways of checking a judgment's claims select the same judgments, in the same order. */
describe.each(TEST_DATABASES)('claim conditions checked per row or by semi-join on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(kind, CONFIG);
    for (let i = 0; i < 12; i++) {
      const j = specExample();
      j.externalOrderId = `CC-${i}`;
      j.judgeResult.claimAmount = 10;
      if (i % 3 === 0) j.judgeResult.responsibilityParty = 'DELIVERY';
      await svc.push(j);
    }
    const claims = await svc.dataSource.getRepository(Claim).find({ order: { id: 'ASC' } });
    for (const [i, c] of claims.entries()) {
      await svc.dataSource.getRepository(Claim).update({ id: c.id }, { status: (['submitted', 'dead', 'pending'] as const)[i % 3] });
      // Every fourth claim sent, and called for with another amount by its judgment's latest revision.
      if (i % 4 === 0) await svc.dataSource.getRepository(Claim).update({ id: c.id }, { attempts: 1, plannedAmountMinor: 1 });
    }
  });
  afterAll(() => svc.close());

  const page = (filter: object, check: ClaimCheck) => {
    const qb = svc.dataSource.getRepository(WorkOrder).createQueryBuilder('w')
      .innerJoin(JudgmentRevision, 'r', 'r.workOrderId = w.id AND r.revision = w.latestRevision');
    applyJudgmentFilter(qb, filter, reconciliationRules(svc.config.routes, 7, new Date()), check);
    return qb.orderBy('w.receivedAt', 'DESC').addOrderBy('w.id', 'DESC').getMany().then((rows) => rows.map((w) => w.id));
  };

  it.each([
    { status: 'submitted' }, { status: 'dead', platform: 'glitzcloud' }, { platform: 'appintf' }, { flag: 'claim-failed' }, { status: 'completed' },
    { flag: 'claim-outdated' }, { flag: 'claim-outdated', status: 'dead' },
  ])('agree for %p', async (filter) => {
    const semijoin = await page(filter, 'semijoin');
    expect(await page(filter, 'per-row')).toEqual(semijoin);
  });

  it('finds some judgments for a status that exists (the comparison is not vacuous)', async () => {
    expect((await page({ status: 'submitted' }, 'per-row')).length).toBeGreaterThan(0);
  });

  it('finds some judgments with claim-outdated, and not all (the comparison is not vacuous)', async () => {
    const found = await page({ flag: 'claim-outdated' }, 'per-row');
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(12);
  });
});
