import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt, ClaimEvent } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { APPINTF_FAKE_ORDER_ID } from '../fakes';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/**
 * Issue 15, item 1: one appintf refund belongs to one claim. A claim adopts a refund only when the refund
 * is provably its own (its order, cause type, cause and proofs, never one another claim holds), a 41 on a
 * first attempt is only "try again", and the look-up reads the whole refund list, not the newest 500.
 */
describe.each(TEST_DATABASES)('appintf refunds and the claims that hold them, on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let clients: ReturnType<typeof createPlatformClients>;
  let worker: DispatchWorker;
  let clock: number;

  /** A judgment on the route's order (the route's orderId is fixed), with its own external id and reason. */
  function judgment(n: number) {
    const j = specExample();
    j.externalOrderId = `TMALL_OWN_${n}`;
    j.judgeResult.claimAmount = 45;
    j.judgeResult.judgeReason = `仓内拣选导致临期 #${n}`;
    return j;
  }
  const claims = () => svc.dataSource.getRepository(Claim).find({ order: { id: 'ASC' } });
  const attempts = (claimId: number) => svc.dataSource.getRepository(ClaimAttempt).find({ where: { claimId }, order: { attemptNo: 'ASC' } });

  /** Runs dispatch rounds until nothing is pending or `rounds` ran, the worker's clock past each retry. */
  async function dispatchUntilSettled(rounds: number) {
    for (let i = 0; i < rounds; i++) {
      clock = Math.max(clock, Date.now() + 1000); // what was pushed meanwhile is due
      await worker.runOnce();
      if ((await claims()).every((c) => c.status !== 'pending')) return;
      clock += 2000;
      await new Promise((r) => setTimeout(r, 2600)); // past the fake's 41 window (real time)
    }
  }

  beforeEach(async () => {
    fakes = await startFakes({ appintf: { resubmitWindowMs: 2500 } });
    svc = await startTestService(kind, fakesConfig(fakes, { only: ['appintf-refund'], retrySchedule: ['1s', '1s', '1s', '1s'] }));
    clients = createPlatformClients(svc.config);
    clock = Date.now() + 1000;
    worker = new DispatchWorker({ dataSource: svc.dataSource, config: svc.config, clients, logger: createLogger({ level: 'silent' }), now: () => new Date(clock) });
  });
  afterEach(async () => {
    await Promise.all([...(clients?.values() ?? [])].map((c) => c.close()));
    await svc?.close();
    await fakes.close();
  });

  it('never gives the second of two judgments on one order within the 41 window the first one\'s refund', async () => {
    await svc.push(judgment(1));
    await worker.runOnce();
    await svc.push(judgment(2));
    await dispatchUntilSettled(5);

    const [first, second] = await claims();
    expect(fakes.appintf.refunds).toHaveLength(1);
    expect(first).toMatchObject({ status: 'submitted', platformClaimId: String(fakes.appintf.refunds[0].refundId) });
    expect(second.platformClaimId).toBeNull();
    expect(second.status).toBe('rejected');
    expect(second.lastError).toMatch(/^54: .*no refund of this claim/);
  });

  it('retries a first attempt answered 41 as a fresh send, not as one that may already exist', async () => {
    await svc.push(judgment(1));
    await worker.runOnce();
    await svc.push(judgment(2));
    clock = Date.now() + 1000;
    await worker.runOnce();
    const second = (await claims())[1];
    expect(second).toMatchObject({ status: 'pending', mayExistOnPlatform: false });
    expect(second.lastError).toMatch(/^41/);
    expect((await attempts(second.id)).map((a) => a.outcome)).toEqual(['retryable']);
  });

  it('finds its own refund beyond the 500 newest when resent after a lease takeover, instead of becoming rejected', async () => {
    await svc.push(judgment(1));
    await worker.runOnce();
    const [filed] = await claims();
    const own = fakes.appintf.refunds[0];
    fakes.appintf.addRefunds(600, { orderId: APPINTF_FAKE_ORDER_ID + 1 }); // newer refunds of another order
    await new Promise((r) => setTimeout(r, 2600)); // past the 41 window: a resend would get 54
    // The answer was lost and its worker died: the claim is pending again, leased by a dead worker.
    await svc.dataSource.getRepository(Claim).update({ id: filed.id }, { status: 'pending', platformClaimId: null, leaseOwner: 'dead', leaseUntil: new Date(clock - 1), nextAttemptAt: new Date(clock - 1) });
    clock += 4000;
    await worker.runOnce();

    const [claim] = await claims();
    expect(claim).toMatchObject({ status: 'submitted', platformClaimId: String(own.refundId) });
    expect(fakes.appintf.refunds.filter((r) => r.orderId === APPINTF_FAKE_ORDER_ID)).toHaveLength(1);
  });

  it('does not take over, on a resend after a takeover, a refund of its order filed for another cause', async () => {
    await svc.push(judgment(1));
    await worker.runOnce();
    const [filed] = await claims();
    // Someone else's refund on the same order (another cause), the only one the order has.
    fakes.appintf.refunds[0].cause = 'filed by hand';
    await svc.dataSource.getRepository(Claim).update({ id: filed.id }, { status: 'pending', platformClaimId: null, leaseOwner: 'dead', leaseUntil: new Date(clock - 1), nextAttemptAt: new Date(clock - 1) });
    clock += 4000;
    await new Promise((r) => setTimeout(r, 2600));
    await worker.runOnce();

    const [claim] = await claims();
    expect(claim.platformClaimId).toBeNull();
    expect(claim.status).toBe('rejected');
    const last = await svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId: claim.id }, order: { id: 'DESC' } });
    expect(last!.reason).toMatch(/no refund of this claim/);
  });

  it('does not adopt, when polling a claim without refundId, a refund another claim holds', async () => {
    await svc.push(judgment(1));
    await worker.runOnce();
    await new Promise((r) => setTimeout(r, 2600));
    // A second claim, submitted without a refundId (its look-up failed), with the same cause as the first.
    const [first] = await claims();
    await svc.dataSource.getRepository(Claim).update({ id: first.id }, { nextPollAt: null });
    const j = judgment(2);
    j.judgeResult.judgeReason = judgment(1).judgeResult.judgeReason;
    await svc.push(j);
    const second = (await claims())[1];
    await svc.dataSource.getRepository(Claim).update({ id: second.id }, { status: 'submitted', attempts: 1, nextAttemptAt: null, nextPollAt: new Date(clock - 1), pollIntervalSeconds: 60 });
    await worker.pollOnce();

    expect((await claims())[1].platformClaimId).toBeNull();
  });
});
