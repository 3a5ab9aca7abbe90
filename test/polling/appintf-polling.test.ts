import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimEvent } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

describe.each(TEST_DATABASES)('polling appintf claims on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let clock: number;
  let worker: DispatchWorker;

  beforeEach(async () => {
    fakes = await startFakes();
    svc = await startTestService(kind, { ...fakesConfig(fakes, { only: ['appintf-refund'] }) });
    clock = Date.now() + 1000;
    worker = new DispatchWorker({
      dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }),
      now: () => new Date(clock),
    });
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    await svc.push(j);
  });
  afterEach(async () => {
    await svc.close();
    await fakes.close();
  });

  const claim = () => svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'appintf-refund' });

  it('schedules the first poll a minute after the submit', async () => {
    await worker.runOnce();
    const c = await claim();
    expect(c.status).toBe('submitted');
    expect(c.nextPollAt!.getTime()).toBe(clock + 60_000);
    expect(await worker.pollOnce()).toBe(0);
  });

  it('follows a refund from submitted to completed, then stops polling', async () => {
    await worker.runOnce();
    const refundId = fakes.appintf.refunds[0].refundId;
    fakes.appintf.setRefundStatus(refundId, '2');
    clock += 61_000;
    expect(await worker.pollOnce()).toBe(1);
    expect((await claim()).status).toBe('accepted');
    fakes.appintf.setRefundStatus(refundId, '3');
    clock += 61_000;
    await worker.pollOnce();
    const c = await claim();
    expect([c.status, c.nextPollAt]).toEqual(['completed', null]);
    const events = await svc.dataSource.getRepository(ClaimEvent).find({ where: { claimId: c.id, source: 'poll' }, order: { id: 'ASC' } });
    expect(events.map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['submitted→accepted', 'accepted→completed']);
    clock += 24 * 3600_000;
    expect(await worker.pollOnce()).toBe(0);
  });

  it('backs off while nothing changes: 1 min, then 2, then 4', async () => {
    await worker.runOnce();
    const intervals: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await claim();
      clock = before.nextPollAt!.getTime();
      await worker.pollOnce();
      intervals.push((await claim()).pollIntervalSeconds!);
    }
    expect(intervals).toEqual([120, 240, 480]);
  });

  it('recovers a lost submit answer through the list look-up, without a second submit', async () => {
    await worker.runOnce();
    // The submit reached the app but its answer (and the refundId) was lost.
    await svc.dataSource.getRepository(Claim).update({ route: 'appintf-refund' }, { platformClaimId: null });
    const submits = () => fakes.appintf.requests.filter((r) => r.path.endsWith('submitRefund.jsp')).length;
    clock += 61_000;
    await worker.pollOnce();
    expect((await claim()).platformClaimId).toBe(String(fakes.appintf.refunds[0].refundId));
    expect(submits()).toBe(1);
  });
});
