import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt, ClaimEvent } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, RouteName, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** The spec's example with 89.90 claimed, all on the warehouse. */
function judgment() {
  const j = specExample();
  j.judgeResult.claimAmount = 89.9;
  return j;
}

describe.each(TEST_DATABASES)('dispatching claims to the fake platforms on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let clock: number;
  let worker: DispatchWorker;

  async function start(opts: Parameters<typeof fakesConfig>[1] = {}) {
    svc = await startTestService(kind, fakesConfig(fakes, opts));
    clock = Date.now() + 1000; // claims pushed from now on are due
    worker = new DispatchWorker({
      dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }),
      now: () => new Date(clock),
    });
  }
  const claim = (route: RouteName) => svc.dataSource.getRepository(Claim).findOneByOrFail({ route });
  const attempts = (claimId: number) => svc.dataSource.getRepository(ClaimAttempt).find({ where: { claimId }, order: { attemptNo: 'ASC' } });

  beforeEach(async () => {
    fakes = await startFakes();
  });
  afterEach(async () => {
    await svc?.close();
    await fakes.close();
  });

  it('files each claim on its platform once and stores the platform id and the attempt', async () => {
    await start();
    await svc.push(judgment());
    expect(await worker.runOnce()).toBe(4);

    const glitz = await claim('glitzcloud-loss');
    expect(glitz).toMatchObject({ status: 'submitted', attempts: 1, platformClaimId: fakes.glitzcloud.orders[0].order_sn });
    expect(fakes.glitzcloud.orders[0].expected_payout_amount).toBe('89.90');
    expect(fakes.glitzcloud.orders[0].connect_order_sn).toBe('LOGI_202501010001');

    expect(await claim('shopex-aftersale')).toMatchObject({ status: 'submitted', asyncMessageId: fakes.shopex.applications[0].msgId });
    expect(await claim('duobaoyu-refund')).toMatchObject({ status: 'submitted', platformClaimId: fakes.duobaoyu.afterSales[0].afterSaleOrderId });
    expect(await claim('appintf-refund')).toMatchObject({ status: 'submitted', platformClaimId: String(fakes.appintf.refunds[0].refundId) });

    const [attempt] = await attempts(glitz.id);
    expect(attempt).toMatchObject({ attemptNo: 1, outcome: 'submitted', httpStatus: 200 });
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
    expect(attempt.request).not.toContain(fakesConfig(fakes).platforms.glitzcloud.secretkey);
    expect(attempt.response).toContain('"reqMsg":"success"');
  });

  it('sends one platform request when the same judgment is pushed twice', async () => {
    await start({ only: ['glitzcloud-loss'] });
    await svc.push(judgment());
    await svc.push(judgment());
    await worker.runOnce();
    await worker.runOnce();
    expect(fakes.glitzcloud.requests).toHaveLength(1);
  });

  it('retries after two HTTP 500s and succeeds on the third attempt, on the schedule', async () => {
    await start({ only: ['duobaoyu-refund'] });
    fakes.duobaoyu.failNext(2, 'http500');
    await svc.push(judgment());
    await worker.runOnce();
    let c = await claim('duobaoyu-refund');
    expect([c.status, c.attempts]).toEqual(['pending', 1]);
    expect(c.lastError).toMatch(/500/);
    expect(await worker.runOnce()).toBe(0); // not due yet
    clock += 2000;
    await worker.runOnce();
    clock += 2000;
    await worker.runOnce();
    c = await claim('duobaoyu-refund');
    expect([c.status, c.attempts, c.lastError]).toEqual(['submitted', 3, null]);
    expect((await attempts(c.id)).map((a) => a.outcome)).toEqual(['retryable', 'retryable', 'submitted']);
    expect(fakes.duobaoyu.afterSales).toHaveLength(1);
  });

  it('goes dead at once on a terminal code, with the code in lastError and no retry', async () => {
    await start({ only: ['appintf-refund'] });
    fakes.appintf.failNext(1, 'code:17');
    await svc.push(judgment());
    await worker.runOnce();
    clock += 60_000;
    expect(await worker.runOnce()).toBe(0);
    const c = await claim('appintf-refund');
    expect(c.status).toMatch(/dead|rejected/);
    expect(c.lastError).toMatch(/^17/);
    expect(c.nextAttemptAt).toBeNull();
  });

  it('goes dead when the retry schedule is spent', async () => {
    await start({ only: ['glitzcloud-loss'], retrySchedule: ['1s'] });
    fakes.glitzcloud.failNext(5, 'http500');
    await svc.push(judgment());
    await worker.runOnce();
    clock += 2000;
    await worker.runOnce();
    const c = await claim('glitzcloud-loss');
    expect([c.status, c.attempts]).toEqual(['dead', 2]);
    const events = await svc.dataSource.getRepository(ClaimEvent).find({ where: { claimId: c.id }, order: { id: 'ASC' } });
    expect(events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'dead', source: 'dispatcher' });
  });

  it('sends a claim whose worker died mid-send again once, after its lease ran out', async () => {
    await start({ only: ['glitzcloud-loss'] });
    await svc.push(judgment());
    const c = await claim('glitzcloud-loss');
    // A worker took the claim and died: its lease stands until it runs out.
    await svc.dataSource.getRepository(Claim).update({ id: c.id }, { leaseOwner: 'dead-worker', leaseUntil: new Date(clock + 30_000) });
    expect(await worker.runOnce()).toBe(0);
    clock += 31_000;
    expect(await worker.runOnce()).toBe(1);
    expect(await claim('glitzcloud-loss')).toMatchObject({ status: 'submitted', leaseOwner: null });
    expect(fakes.glitzcloud.requests).toHaveLength(1);
  });

  it('says in the claim event when a claim was sent again blind after a worker died mid-send', async () => {
    await start({ only: ['duobaoyu-refund'] });
    await svc.push(judgment());
    const c = await claim('duobaoyu-refund');
    await svc.dataSource.getRepository(Claim).update({ id: c.id }, { leaseOwner: 'dead-worker', leaseUntil: new Date(clock - 1) });
    await worker.runOnce();
    const last = await svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId: c.id }, order: { id: 'DESC' } });
    expect(last).toMatchObject({ fromStatus: 'pending', toStatus: 'submitted' });
    expect(last!.reason).toContain('sent again after an attempt that may have reached duobaoyu');
  });

  it('finds the claim on appintf instead of filing it again when the dead worker had sent it', async () => {
    await start({ only: ['appintf-refund'] });
    await svc.push(judgment());
    await worker.runOnce();
    const filed = await claim('appintf-refund');
    // Pretend the answer was lost: the claim is pending again and leased by a worker that died.
    await svc.dataSource.getRepository(Claim).update({ id: filed.id }, { status: 'pending', platformClaimId: null, leaseOwner: 'dead', leaseUntil: new Date(clock - 1), nextAttemptAt: new Date(clock - 1) });
    clock += 4000;
    await worker.runOnce();
    expect(fakes.appintf.refunds).toHaveLength(1);
    const c = await claim('appintf-refund');
    expect(c).toMatchObject({ status: 'submitted', platformClaimId: String(fakes.appintf.refunds[0].refundId) });
    expect((await attempts(c.id)).at(-1)!.outcome).toBe('found');
  });
});
