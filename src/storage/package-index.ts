import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { PackageIndexJob } from '../entities';
import { readRawPushBody } from './raw-push-store';
import { inTransaction, isSqlite } from './transactions';
import { sqlName } from './sql-name';

/**
 * Package rows of big pushes, written after the answer (issue 6).
 *
 * A push with more than {@link DEFER_PACKAGES_OVER} package numbers commits its work order, raw push,
 * revision, claims and a `package_index_job` row, and is answered; its `responsibility_package` rows are
 * then written by the receiving process in batches, and the job row deleted. "Answered success ⇒ stored"
 * holds: the package numbers are in the stored raw push, and the job row says they still have to be
 * indexed. Should the receiving process die first, its lease on the job runs out and a dispatch worker
 * takes it over, reading the numbers back from the raw push. Rows are inserted with "on conflict do
 * nothing" on their key (revisionId, seq), so a run that repeats part of another stores nothing twice.
 * Until the job is done, a finance search by one of its package numbers (`q=`) may not find the work order.
 */

/** Pushes with more non-empty package numbers than this are answered before their package rows exist. */
export const DEFER_PACKAGES_OVER = 10_000;

/** How long the receiving process holds a job before a worker may take it over. */
export const PACKAGE_INDEX_LEASE_MS = 120_000;

/** Rows per multi-row INSERT: 4 parameters a row stays under SQLite's 32,766 limit. */
const PACKAGE_BATCH = 5000;

export interface PackageIndexTask {
  revisionId: number;
  workOrderId: number;
  rawPushId: number;
  packageNos: string[];
}

const isStoredNo = (no: unknown): no is string => typeof no === 'string' && no !== '';

/**
 * The package numbers of a judgment as stored: the pushed list without empty numbers, in order. When none
 * is dropped (the usual case) it is the pushed array itself, not a copy: for 999,999 numbers a copy held
 * 10 MiB more during the push (heap snapshot, issue 6). Neither is changed afterwards.
 */
export function storedPackageNos(pushed: unknown): string[] {
  if (!Array.isArray(pushed)) return [];
  return pushed.every(isStoredNo) ? pushed : pushed.filter(isStoredNo);
}

const q = sqlName;

/**
 * Inserts package rows in multi-row batches. `ignoreExisting`: rows already there (same revisionId and seq)
 * are left alone, so a job can run again after a partial run.
 */
export async function insertPackages(em: EntityManager, revisionId: number, workOrderId: number, packageNos: readonly string[], from = 0, to = packageNos.length, ignoreExisting = false): Promise<void> {
  const head = `INSERT INTO ${q(em, 'responsibility_package')} (${['revisionId', 'seq', 'workOrderId', 'packageNo'].map((c) => q(em, c)).join(', ')}) VALUES `;
  const tail = !ignoreExisting ? '' : isSqlite(em.connection) ? ' ON CONFLICT DO NOTHING' : ` ON DUPLICATE KEY UPDATE ${q(em, 'seq')} = ${q(em, 'seq')}`;
  for (let start = from; start < to; start += PACKAGE_BATCH) {
    const end = Math.min(start + PACKAGE_BATCH, to);
    const params: unknown[] = [];
    for (let i = start; i < end; i++) params.push(revisionId, i, workOrderId, packageNos[i]);
    await em.query(head + Array.from({ length: end - start }, () => '(?, ?, ?, ?)').join(', ') + tail, params);
  }
}

/** In the push's transaction: the job, held by this process for {@link PACKAGE_INDEX_LEASE_MS}. */
export async function enqueuePackageIndex(em: EntityManager, task: PackageIndexTask, now: Date): Promise<void> {
  await em.insert(PackageIndexJob, {
    revisionId: task.revisionId,
    workOrderId: task.workOrderId,
    rawPushId: task.rawPushId,
    packageCount: task.packageNos.length,
    createdAt: now,
    leaseUntil: new Date(now.getTime() + PACKAGE_INDEX_LEASE_MS),
    attempts: 1,
  });
}

/** Writes a job's package rows, one batch per transaction (SQLite's other writers get their turn), then deletes the job. */
export async function indexPackages(dataSource: DataSource, task: PackageIndexTask): Promise<void> {
  const perTransaction = PACKAGE_BATCH * 4;
  for (let start = 0; start < task.packageNos.length; start += perTransaction) {
    const end = Math.min(start + perTransaction, task.packageNos.length);
    await inTransaction(dataSource, (em) => insertPackages(em, task.revisionId, task.workOrderId, task.packageNos, start, end, true));
  }
  await inTransaction(dataSource, (em) => em.delete(PackageIndexJob, { revisionId: task.revisionId }));
}

/**
 * Takes over one job whose lease has run out (the process that received its push died or gave up) and
 * completes it from the stored raw push. Returns whether there was one.
 */
export async function resumeOnePackageIndex(dataSource: DataSource, now: Date): Promise<boolean> {
  const due = await dataSource
    .getRepository(PackageIndexJob)
    .createQueryBuilder('j')
    .where('j.leaseUntil IS NULL OR j.leaseUntil < :now', { now })
    .orderBy('j.revisionId')
    .limit(1)
    .getOne();
  if (!due) return false;
  const taken = await dataSource
    .createQueryBuilder()
    .update(PackageIndexJob)
    .set({ leaseUntil: new Date(now.getTime() + PACKAGE_INDEX_LEASE_MS), attempts: () => `${q(dataSource, 'attempts')} + 1` })
    .where('revisionId = :id AND (leaseUntil IS NULL OR leaseUntil < :now)', { id: due.revisionId, now })
    .execute();
  if (taken.affected !== 1) return true; // another process took it first
  const body = await readRawPushBody(dataSource, due.rawPushId);
  const packageNos = storedPackageNos((JSON.parse(body.toString('utf8')) as { responsibilityPackageNos?: unknown }).responsibilityPackageNos);
  if (packageNos.length !== due.packageCount) {
    throw new Error(`package index job of revision ${due.revisionId}: raw push ${due.rawPushId} holds ${packageNos.length} package numbers, the job expects ${due.packageCount}`);
  }
  await indexPackages(dataSource, { revisionId: due.revisionId, workOrderId: due.workOrderId, rawPushId: due.rawPushId, packageNos });
  return true;
}

/** Package indexes running in this process after their push was answered; `drain` waits for them at shutdown. */
export class PackageIndexer {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly dataSource: DataSource, private readonly logger?: Logger) {}

  start(task: PackageIndexTask): void {
    const started = Date.now();
    const run = indexPackages(this.dataSource, task).then(
      () => this.logger?.info({ revisionId: task.revisionId, packages: task.packageNos.length, ms: Date.now() - started }, 'package rows stored'),
      (err) => this.logger?.error({ err, revisionId: task.revisionId }, 'package rows not stored; a worker takes the job over when its lease ends'),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when every index started here has ended (stored or failed). */
  async drain(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
