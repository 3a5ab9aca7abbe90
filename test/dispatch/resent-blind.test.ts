import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { call } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, RouteName, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const TOKEN = 'viewer-token-0123456789';

/**
 * Issue 7: a claim sent again after an attempt that may have reached the platform. Where the platform has
 * a look-up (appintf) dispatch asks it first, so the claim is filed once; where it has none (Glitzcloud)
 * the resend is blind, so the platform may hold the claim twice, and finance sees the `resent-blind` flag.
 */
describe.each(TEST_DATABASES)('a claim sent again after an attempt whose fate was lost, on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let clients: ReturnType<typeof createPlatformClients>;
  let worker: DispatchWorker;
  let clock: number;

  /** The service with one route, a viewer token, and a worker on a clock of our own; the spec's example pushed. */
  async function pushFor(route: RouteName): Promise<Claim> {
    svc = await startTestService(kind, { ...fakesConfig(fakes, { only: [route] }), finance: { tokens: [{ name: 'fin-viewer', token: TOKEN, role: 'viewer' }] } });
    clients = createPlatformClients(svc.config);
    clock = Date.now() + 1000; // the pushed claim is due
    worker = new DispatchWorker({ dataSource: svc.dataSource, config: svc.config, clients, logger: createLogger({ level: 'silent' }), now: () => new Date(clock) });
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    j.paymentInfo.paymentAmount = 89.9; // no payment-differs beside the flag looked for
    await svc.push(j);
    return svc.dataSource.getRepository(Claim).findOneByOrFail({ route });
  }

  /** Two ways to lose an attempt's fate, each followed by the rounds that send the claim again. */
  const WAYS: Array<[string, (claim: Claim, platform: 'glitzcloud' | 'appintf') => Promise<void>]> = [
    ['its answer was lost (the platform acted, then answered an unreadable page)', async (_claim, platform) => {
      fakes[platform].failNext(1, 'nonjson');
      await worker.runOnce();
      clock += 2000; // past the 1 s retry (±20%)
      await worker.runOnce();
    }],
    ['its worker died mid-send (the lease ran out)', async (claim) => {
      await svc.dataSource.getRepository(Claim).update({ id: claim.id }, { leaseOwner: 'dead-worker', leaseUntil: new Date(clock - 1) });
      await worker.runOnce();
    }],
  ];

  /** The claim's flags in /api/claims, and its judgment's in /api/judgments (also as filtered by the flag). */
  async function flagsSeen(claim: Claim) {
    const claims = await call(svc.baseUrl, `/api/claims?workOrderId=${claim.workOrderId}`, { token: TOKEN });
    const judgments = await call(svc.baseUrl, '/api/judgments', { token: TOKEN });
    const flagged = await call(svc.baseUrl, '/api/judgments?flag=resent-blind', { token: TOKEN });
    return {
      status: claims.json.items[0].status,
      claim: claims.json.items[0].flags,
      judgment: judgments.json.items[0].flags,
      judgmentClaim: judgments.json.items[0].claims[0].flags,
      filtered: flagged.json.items.map((i: any) => i.workOrderId),
    };
  }

  beforeEach(async () => {
    fakes = await startFakes();
  });
  afterEach(async () => {
    await Promise.all([...(clients?.values() ?? [])].map((c) => c.close()));
    await svc?.close();
    await fakes.close();
  });

  it.each(WAYS)('flags a Glitzcloud claim resent-blind after %s, in /api/claims and /api/judgments', async (_way, loseFate) => {
    const claim = await pushFor('glitzcloud-loss');
    await loseFate(claim, 'glitzcloud');
    expect(fakes.glitzcloud.requests.length).toBeLessThanOrEqual(2); // at most twice, and flagged
    expect(await flagsSeen(claim)).toEqual({
      status: 'submitted', claim: ['resent-blind'], judgment: ['resent-blind'], judgmentClaim: ['resent-blind'], filtered: [claim.workOrderId],
    });
  });

  it.each(WAYS)('does not flag an appintf claim recovered after %s: its look-up asks the platform first', async (_way, loseFate) => {
    const claim = await pushFor('appintf-refund');
    await loseFate(claim, 'appintf');
    expect(fakes.appintf.refunds).toHaveLength(1); // exactly once
    expect(await flagsSeen(claim)).toEqual({ status: 'submitted', claim: [], judgment: [], judgmentClaim: [], filtered: [] });
  });
});
