import { runInNewContext } from 'node:vm';
import { COMPACT_HEAP_OVER_BYTES, compactHeapBefore } from '../../src/http/heap-compaction';
import { registry } from '../../src/metrics';
import { PackageIndexJob } from '../../src/entities';
import { histogramOf, parseExposition } from '../support/prometheus-text';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** Full collections run so far, as claim_relay_heap_compaction_seconds counts them. */
const compactions = async () => histogramOf(parseExposition(await registry.metrics()), 'claim_relay_heap_compaction_seconds').count;

/** A judgment whose body is just over the threshold (package numbers of 16 characters). */
function bigJudgment(): string {
  const nos = Array.from({ length: Math.ceil(COMPACT_HEAP_OVER_BYTES / 19) + 1000 }, (_, i) => `HC${String(i).padStart(14, '0')}`);
  const body = JSON.stringify({ ...specExample(), responsibilityPackageNos: nos });
  expect(body.length).toBeGreaterThan(COMPACT_HEAP_OVER_BYTES);
  return body;
}

describe('a full garbage collection before a big push', () => {
  it('is not run for a body of COMPACT_HEAP_OVER_BYTES or less', async () => {
    const before = await compactions();
    expect(compactHeapBefore(COMPACT_HEAP_OVER_BYTES)).toBe(false);
    expect(await compactions()).toBe(before);
  });

  it('frees what nothing references any more, and is counted', async () => {
    let garbage: number[][] | null = Array.from({ length: 200 }, () => new Array<number>(50_000).fill(1.5)); // ~80 MB of heap
    const before = await compactions();
    const held = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(200);
    // eslint-disable-next-line no-useless-assignment -- dropping the only reference is the point: the heap is then garbage
    garbage = null;
    expect(compactHeapBefore(COMPACT_HEAP_OVER_BYTES + 1)).toBe(true);
    expect(held - process.memoryUsage().heapUsed).toBeGreaterThan(50 * 1024 * 1024);
    expect(await compactions()).toBe(before + 1);
  });

  it('leaves the main context, and every context created after it, without a global gc', () => {
    compactHeapBefore(COMPACT_HEAP_OVER_BYTES + 1);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(runInNewContext('typeof gc')).toBe('undefined'); // e.g. a worker thread or a test file's context started later
  });
});

describe('POST /qimen with a body over the threshold', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite');
  });
  afterAll(() => svc.close());

  it('runs one full collection for a verified push, before storing it', async () => {
    const before = await compactions();
    const { json } = await svc.push(bigJudgment());
    expect(json.error).toBe('200');
    expect(await compactions()).toBe(before + 1);
    const jobs = svc.dataSource.getRepository(PackageIndexJob);
    for (let i = 0; i < 300 && (await jobs.count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await jobs.count()).toBe(0);
  }, 60_000);

  it('runs none for a push whose signature fails: no one else can make the service pause', async () => {
    const before = await compactions();
    const { json } = await svc.push(bigJudgment(), { sign: 'NOT-THE-SIGN' });
    expect(json.errorId).toBe('sign-check-failure');
    expect(await compactions()).toBe(before);
  });

  it('runs none for an ordinary push', async () => {
    const before = await compactions();
    expect((await svc.push(specExample())).json.error).toBe('200');
    expect(await compactions()).toBe(before);
  });
});
