import type { DataSource } from 'typeorm';
import { JudgmentRevision, WorkOrder } from '../../src/entities';
import { judgmentToStore } from '../../src/handlers/danniao-judge.handler';
import { KnownJudgments } from '../../src/storage/known-duplicates';
import { recordJudgment } from '../../src/commands/record-judgment';
import { TEST_DATABASES, openMigratedDatabase } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { receivedPush } from '../support/received-push';

const judgment = (change: Record<string, unknown> = {}) => judgmentToStore(receivedPush({ ...specExample(), ...change }), []);

describe.each(TEST_DATABASES)('known duplicates on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterEach(() => close());

  it('answers a remembered judgment that is still the latest with its work order', async () => {
    const known = new KnownJudgments(dataSource);
    const first = judgment();
    const stored = await recordJudgment(dataSource, first);
    known.remember(first.identityKey, first.contentHash, first.push.bodySha256);
    expect(await known.duplicateOf(first.identityKey, first.contentHash)).toEqual({ workOrderId: stored.workOrderId, revision: 1 });
  });

  it('knows nothing of an identity it was never told about', async () => {
    const known = new KnownJudgments(dataSource);
    const first = judgment();
    await recordJudgment(dataSource, first);
    expect(known.contentHashOf(first.identityKey, first.push.bodySha256, () => 'hashed')).toBeNull();
    expect(await known.duplicateOf(first.identityKey, first.contentHash)).toBeNull();
  });

  it('does not answer a changed judgment of a remembered identity', async () => {
    const known = new KnownJudgments(dataSource);
    const first = judgment();
    await recordJudgment(dataSource, first);
    known.remember(first.identityKey, first.contentHash, first.push.bodySha256);
    expect(await known.duplicateOf(first.identityKey, judgment({ bizType: 'CHANGED' }).contentHash)).toBeNull();
  });

  it('lets the database overrule it: after another instance stored a newer revision, the older judgment again is no duplicate', async () => {
    const here = new KnownJudgments(dataSource);
    const first = judgment();
    await recordJudgment(dataSource, first);
    here.remember(first.identityKey, first.contentHash, first.push.bodySha256);
    await recordJudgment(dataSource, judgment({ bizType: 'CHANGED' })); // through another instance: this one is not told

    expect(await here.duplicateOf(first.identityKey, first.contentHash)).toBeNull();
    expect(here.contentHashOf(first.identityKey, first.push.bodySha256, () => 'hashed')).toBeNull(); // forgotten: the next push of it takes the full path at once
    const again = await recordJudgment(dataSource, judgment());
    expect(again.outcome).toBe('revised');
    expect(await dataSource.getRepository(JudgmentRevision).count()).toBe(3);
    expect(await dataSource.getRepository(WorkOrder).count()).toBe(1);
  });

  it('knows the content hash of the same body bytes without hashing them, and hashes other bytes', async () => {
    const known = new KnownJudgments(dataSource);
    const first = judgment();
    await recordJudgment(dataSource, first);
    known.remember(first.identityKey, first.contentHash, first.push.bodySha256);
    expect(known.contentHashOf(first.identityKey, first.push.bodySha256, () => 'hashed')).toBe(first.contentHash);
    expect(known.contentHashOf(first.identityKey, 'other-bytes', () => 'hashed')).toBe('hashed');
  });

  it('finds the identity of body bytes it stored before, and of no others', async () => {
    const known = new KnownJudgments(dataSource);
    const first = judgment();
    await recordJudgment(dataSource, first);
    known.remember(first.identityKey, first.contentHash, first.push.bodySha256);
    expect(known.identityOf(first.push.bodySha256)).toBe(first.identityKey);
    expect(known.identityOf(judgment({ bizType: 'CHANGED' }).push.bodySha256)).toBeUndefined();
  });
});
