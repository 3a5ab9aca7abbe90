/**
 * Platform faults end to end (issue 7, item 3, the part the client tests of test/platforms do not cover):
 * the dispatcher meets each transport fault of the fakes' knobs on each platform — hang, slow answer,
 * HTTP 500/502/503/429, truncated and non-JSON bodies, reset — and the claim must end in the right
 * state with the cause recorded (claim.lastError, the attempt's errorCode and HTTP status), the worker
 * must not be stuck, and the retry must not file a second claim where the platform lets us check
 * (appintf), nor more than one extra where it does not (flagged mayExistOnPlatform meanwhile).
 * Wrong signatures, duplicated and reordered callbacks are covered in test/callbacks.
 */
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt } from '../../src/entities';
import { createLogger } from '../../src/logging';
import type { FaultKind } from '../fakes';
import { Fakes, fakesConfig, RouteName, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** The dispatch request timeout here: short, so hangs cost little. */
const TIMEOUT_MS = 300;

interface Fault {
  kind: FaultKind;
  /** claim.lastError and the attempt's errorCode start with this. */
  code: string;
  httpStatus: number | null;
  /** The platform acted on the request (the claim may exist there): the claim is flagged meanwhile. */
  ambiguous: boolean;
  /** The platform stored the claim although we got no usable answer. */
  platformActed: boolean;
}

const FAULTS: Fault[] = [
  { kind: 'http500', code: 'http_500', httpStatus: 500, ambiguous: true, platformActed: false },
  { kind: 'http502', code: 'http_502', httpStatus: 502, ambiguous: true, platformActed: false },
  { kind: 'http503', code: 'http_503', httpStatus: 503, ambiguous: true, platformActed: false },
  { kind: 'http429', code: 'http_429', httpStatus: 429, ambiguous: false, platformActed: false },
  { kind: 'hang', code: 'timeout', httpStatus: null, ambiguous: true, platformActed: false },
  // undici's timers tick coarsely (~0.5–1 s): an answer must come well after the timeout to miss it.
  { kind: `slow:${TIMEOUT_MS * 8}`, code: 'timeout', httpStatus: null, ambiguous: true, platformActed: true },
  { kind: 'truncated', code: '', httpStatus: 200, ambiguous: true, platformActed: true },
  { kind: 'nonjson', code: 'invalid_response', httpStatus: 200, ambiguous: true, platformActed: true },
  { kind: 'reset', code: 'network', httpStatus: null, ambiguous: true, platformActed: false },
];

const ROUTES: Array<{ route: RouteName; platform: keyof Omit<Fakes, 'close'>; records: (f: Fakes) => unknown[] }> = [
  { route: 'glitzcloud-loss', platform: 'glitzcloud', records: (f) => f.glitzcloud.orders },
  { route: 'shopex-aftersale', platform: 'shopex', records: (f) => f.shopex.applications },
  { route: 'duobaoyu-refund', platform: 'duobaoyu', records: (f) => f.duobaoyu.afterSales },
  { route: 'appintf-refund', platform: 'appintf', records: (f) => f.appintf.refunds },
];

describe.each(ROUTES)('dispatch to $platform through platform faults', ({ route, platform, records }) => {
  let fakes: Fakes;
  let svc: TestService;
  let worker: DispatchWorker;
  let clock: number;

  beforeEach(async () => {
    fakes = await startFakes();
    const config = fakesConfig(fakes, { only: [route], retrySchedule: ['1s', '1s'] });
    config.dispatch.requestTimeoutMs = TIMEOUT_MS;
    svc = await startTestService('sqlite', config);
    clock = Date.now() + 1000;
    worker = new DispatchWorker({
      dataSource: svc.dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: 'silent' }), now: () => new Date(clock),
    });
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    expect((await svc.push(j)).json.errorId).toBe('success');
  });
  afterEach(async () => {
    await svc?.close();
    await fakes?.close();
  });

  const claim = () => svc.dataSource.getRepository(Claim).findOneByOrFail({ route });
  const attempts = async () => svc.dataSource.getRepository(ClaimAttempt).find({ where: { claimId: (await claim()).id }, order: { attemptNo: 'ASC' } });

  it.each(FAULTS)('$kind: pending with the cause recorded, the worker free, then filed on the retry', async (fault) => {
    fakes[platform].failNext(1, fault.kind);
    const started = Date.now();
    expect(await worker.runOnce()).toBe(1);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2500); // the client's timeout fired; nothing waits for the hang

    const failed = await claim();
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: null, mayExistOnPlatform: fault.ambiguous });
    expect(failed.lastError).toMatch(new RegExp(`^${fault.code}`));
    expect(failed.nextAttemptAt!.getTime()).toBeGreaterThan(clock);
    const [first] = await attempts();
    expect(first).toMatchObject({ attemptNo: 1, outcome: 'retryable', httpStatus: fault.httpStatus });
    expect(first.errorCode).toMatch(new RegExp(`^${fault.code}`));
    expect(first.finishedAt).not.toBeNull();

    clock += 2000;
    expect(await worker.runOnce()).toBe(1);
    const filed = await claim();
    expect(filed).toMatchObject({ status: 'submitted', attempts: 2, lastError: null, mayExistOnPlatform: false, leaseOwner: null });

    const onPlatform = records(fakes).length;
    if (platform === 'appintf' && fault.platformActed) {
      // The look-up before the resend found the refund the lost answer had filed: not filed twice.
      expect(onPlatform).toBe(1);
      expect((await attempts()).map((a) => a.outcome)).toEqual(['retryable', 'found']);
    } else if (platform === 'glitzcloud') {
      // The warehouse dedupes on connect_order_sn (assumed, docs/platforms.md): the resend answers the order already filed.
      expect(onPlatform).toBe(1);
      expect(filed.platformClaimId).toBe(fakes.glitzcloud.orders[0].order_sn);
      expect((await attempts()).map((a) => a.outcome)).toEqual(['retryable', 'submitted']);
    } else {
      // No look-up and no dedupe: filed again where the platform had acted (docs/platforms.md: no guarantee there), never more.
      expect(onPlatform).toBe(fault.platformActed ? 2 : 1);
      expect((await attempts()).map((a) => a.outcome)).toEqual(['retryable', 'submitted']);
    }
  });
});
