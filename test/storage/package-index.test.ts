import type { DataSource } from 'typeorm';
import { PackageIndexJob, ResponsibilityPackage, WorkOrder } from '../../src/entities';
import { danniaoJudgeHandler } from '../../src/handlers/danniao-judge.handler';
import { insertPackages } from '../../src/storage/judgments/judgment-repository';
import { DEFER_PACKAGES_OVER, PACKAGE_INDEX_LEASE_MS, PackageIndexer, PackageIndexTask, resumeOnePackageIndex, storedPackageNos } from '../../src/storage/package-index';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

/** Just over the limit: the push is answered before its package rows exist. */
const PACKAGES = DEFER_PACKAGES_OVER + 2345;
const RECEIVED = new Date('2026-11-20T08:00:00.000Z');

/** An indexer whose process "dies" right after the answer: the job row is committed, no row is written. */
class DiesAfterAnswer extends PackageIndexer {
  readonly tasks: PackageIndexTask[] = [];
  override start(task: PackageIndexTask): void {
    this.tasks.push(task);
  }
}

const numbers = (n: number, prefix = 'PK') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(10, '0')}`);

/** Stores one push through the danniao.judge handler, as the controller would after verifying it. */
async function storePush(dataSource: DataSource, packageIndexer: PackageIndexer, packageNos: string[]) {
  const push = receivedPush({ ...specExample(), responsibilityPackageNos: packageNos }, RECEIVED);
  return (await danniaoJudgeHandler.handle(push, { dataSource, routes: [], packageIndexer })) as { workOrderId: number };
}

describe('the package numbers a judgment stores', () => {
  it('are the pushed list itself when every number is a non-empty string (no copy of a big list)', () => {
    const pushed = numbers(5);
    expect(storedPackageNos(pushed)).toBe(pushed);
  });

  it('leave out empty numbers and anything not a string, keeping the order', () => {
    const pushed = ['PK1', '', 'PK2', 7, null, 'PK3'];
    expect(storedPackageNos(pushed)).toEqual(['PK1', 'PK2', 'PK3']);
    expect(pushed).toHaveLength(6);
  });

  it('are none when the judgment has no list', () => {
    expect(storedPackageNos(undefined)).toEqual([]);
    expect(storedPackageNos('PK1')).toEqual([]);
  });
});

describe.each(TEST_DATABASES)('package rows of a big push on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterEach(() => close());

  const packageCount = () => dataSource.getRepository(ResponsibilityPackage).count();
  const jobs = () => dataSource.getRepository(PackageIndexJob).find();
  const afterLease = new Date(RECEIVED.getTime() + PACKAGE_INDEX_LEASE_MS + 1000);

  it(`stores the packages of a push with at most ${DEFER_PACKAGES_OVER} numbers before answering`, async () => {
    const indexer = new DiesAfterAnswer(dataSource);
    await storePush(dataSource, indexer, numbers(DEFER_PACKAGES_OVER));
    expect(indexer.tasks).toHaveLength(0);
    expect(await jobs()).toHaveLength(0);
    expect(await packageCount()).toBe(DEFER_PACKAGES_OVER);
  });

  it('answers a bigger push once its job row is committed, and the receiving process then writes every package', async () => {
    const indexer = new PackageIndexer(dataSource);
    const nos = numbers(PACKAGES);
    const { workOrderId } = await storePush(dataSource, indexer, nos);
    const [job] = await jobs();
    expect(job).toMatchObject({ workOrderId, packageCount: PACKAGES, attempts: 1 });
    await indexer.drain();
    expect(await jobs()).toHaveLength(0);
    expect(await packageCount()).toBe(PACKAGES);
    const last = await dataSource.getRepository(ResponsibilityPackage).findOneByOrFail({ packageNo: nos[PACKAGES - 1] });
    expect(last).toMatchObject({ workOrderId, seq: PACKAGES - 1 });
  });

  it('leaves a job alone while the receiving process still holds its lease', async () => {
    await storePush(dataSource, new DiesAfterAnswer(dataSource), numbers(PACKAGES));
    expect(await resumeOnePackageIndex(dataSource, new Date(RECEIVED.getTime() + 1000))).toBe(false);
    expect(await packageCount()).toBe(0);
    expect(await jobs()).toHaveLength(1);
  });

  it('completes the job of a process that died after answering, from the stored raw push, once its lease has run out', async () => {
    const nos = numbers(PACKAGES);
    const { workOrderId } = await storePush(dataSource, new DiesAfterAnswer(dataSource), nos);
    expect(await resumeOnePackageIndex(dataSource, afterLease)).toBe(true);
    expect(await jobs()).toHaveLength(0);
    const stored = await dataSource.getRepository(ResponsibilityPackage).find({ where: { workOrderId }, order: { seq: 'ASC' } });
    expect(stored.map((p) => p.packageNo)).toEqual(nos);
  });

  it('stores each package once when a take-over repeats part of a run that died midway', async () => {
    const indexer = new DiesAfterAnswer(dataSource);
    await storePush(dataSource, indexer, numbers(PACKAGES));
    const [task] = indexer.tasks;
    await dataSource.transaction((em) => insertPackages(em, [{ ...task, from: 0, to: 7000 }]));
    expect(await resumeOnePackageIndex(dataSource, afterLease)).toBe(true);
    expect(await packageCount()).toBe(PACKAGES);
  });

  it('lets only one of two racing take-overs hold the job, and stores each package once', async () => {
    await storePush(dataSource, new DiesAfterAnswer(dataSource), numbers(PACKAGES));
    await Promise.all([resumeOnePackageIndex(dataSource, afterLease), resumeOnePackageIndex(dataSource, afterLease)]);
    expect(await packageCount()).toBe(PACKAGES);
    expect(await jobs()).toHaveLength(0);
  });

  it('counts every take-over of a job in its attempts', async () => {
    const indexer = new DiesAfterAnswer(dataSource);
    await storePush(dataSource, indexer, numbers(PACKAGES));
    await dataSource.getRepository(PackageIndexJob).update({ revisionId: indexer.tasks[0].revisionId }, { rawPushId: -1 }); // its raw push cannot be read: the take-over fails
    await expect(resumeOnePackageIndex(dataSource, afterLease)).rejects.toThrow();
    const [job] = await jobs();
    expect(job.attempts).toBe(2);
    expect(job.leaseUntil!.getTime()).toBeGreaterThan(afterLease.getTime());
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(1);
  });
});
