import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { keptText } from '../domain/kept-text';
import type { PackageIndexTask } from './judgments/judgment';
import { deletePackageIndexJob, insertPackages, PACKAGE_BATCH, takeOverPackageIndexJob } from './judgments/judgment-repository';
import { readRawPushBody } from './raw-push-store';
import { inTransaction } from './transactions';

export { PACKAGE_INDEX_LEASE_MS } from './judgments/judgment-repository';
export { DEFER_PACKAGES_OVER, type PackageIndexTask } from './judgments/judgment';

/**
 * Package rows of big pushes, written after the answer.
 *
 * A push with more than DEFER_PACKAGES_OVER package numbers commits its work order, raw push,
 * revision, claims and a `package_index_job` row, and is answered; its `responsibility_package` rows are
 * then written by the receiving process in batches, and the job row deleted. "Answered success ⇒ stored"
 * holds: the package numbers are in the stored raw push, and the job row says they still have to be
 * indexed. Should the receiving process die first, its lease on the job runs out and a dispatch worker
 * takes it over, reading the numbers back from the raw push. Rows are inserted with "on conflict do
 * nothing" on their key (revisionId, seq), so a run that repeats part of another stores nothing twice.
 * Until the job is done, a finance search by one of its package numbers (`q=`) may not find the work order.
 */

const isStoredNo = (no: unknown): no is string => typeof no === 'string' && no !== '';

/**
 * The package numbers of a judgment as stored: the pushed list without empty numbers, in order, each as kept
 * (src/domain/kept-text.ts: a lone surrogate as its escape text). When none is dropped or escaped (the usual
 * case) it is the pushed array itself, not a copy (a copy of 999,999 numbers would hold several MiB more
 * during the push). Neither is changed afterwards.
 */
export function storedPackageNos(pushed: unknown): string[] {
  if (!Array.isArray(pushed)) return [];
  const nos = pushed.every(isStoredNo) ? pushed : pushed.filter(isStoredNo);
  return nos.every((no) => keptText(no) === no) ? nos : nos.map(keptText);
}

/** Writes a job's package rows, a few batches per transaction (SQLite's other writers get their turn), then deletes the job. */
export async function indexPackages(dataSource: DataSource, task: PackageIndexTask): Promise<void> {
  const perTransaction = PACKAGE_BATCH * 4;
  for (let from = 0; from < task.packageNos.length; from += perTransaction) {
    const to = Math.min(from + perTransaction, task.packageNos.length);
    await inTransaction(dataSource, (em) => insertPackages(em, [{ ...task, from, to }], true));
  }
  await inTransaction(dataSource, (em) => deletePackageIndexJob(em, task.revisionId));
}

/**
 * Takes over one job whose lease has run out and completes it from the stored raw push. Returns whether
 * there was one.
 */
export async function resumeOnePackageIndex(dataSource: DataSource, now: Date): Promise<boolean> {
  const due = await takeOverPackageIndexJob(dataSource, now);
  if (!due) return false;
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
