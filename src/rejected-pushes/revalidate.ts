import { type DataSource, In, IsNull } from 'typeorm';
import { type AuditActor, recordAudit } from '../api/audit';
import { printTable, progress, type CliIo } from '../cli/output';
import { type Clock, systemClock } from '../clock';
import { acceptVerifiedPush, readVerifiedPush } from '../commands/accept-verified-push';
import type { RouteConfig } from '../config/schema';
import { RawPush, RejectedPush } from '../entities';
import { QimenError } from '../errors/qimen-errors';
import { QIMEN_HANDLERS } from '../handlers';
import { PackageIndexer } from '../storage/package-index';
import { readRawPushBody, receivedPushOf, storedRequestOf } from '../storage/raw-push-store';

export interface RevalidateOptions {
  /** Only these rejected pushes (ids); all those still refused otherwise. */
  ids?: readonly number[];
  /** Say what would be accepted; store nothing. */
  dryRun: boolean;
  actor: AuditActor;
  now?: Clock;
}

export interface Revalidated {
  id: number;
  /** accepted: stored now (or found already stored); refused: still refused, with today's reason. */
  outcome: 'accepted' | 'would be accepted' | 'refused';
  workOrderId: number | null;
  reason: string | null;
}

/**
 * Runs the rejected pushes that are still refused through today's reading and validation (after an upgrade
 * that accepts what an older version refused), as if they arrived again: each one now valid is stored as an
 * ordinary push (its work order, revision and claims, by the same command as on /qimen; a push of a known
 * judgment stores nothing new), its rejected_push row marked accepted with the work order, and an audit
 * entry written. Their signatures were checked when they first arrived. One still refused stays, with the
 * reason it would get today. Storing and marking are two steps: a run stopped between them finds the row
 * still refused next time, and storing it again changes nothing (the judgment is known).
 */
export async function revalidateRejectedPushes(dataSource: DataSource, io: CliIo, routes: readonly RouteConfig[], opts: RevalidateOptions): Promise<Revalidated[]> {
  const now = opts.now ?? systemClock;
  const rejected = await dataSource.getRepository(RejectedPush).find({
    where: { acceptedAt: IsNull(), ...(opts.ids?.length ? { id: In([...opts.ids]) } : {}) },
    order: { id: 'ASC' },
  });
  const packageIndexer = new PackageIndexer(dataSource);
  const bar = progress(io, rejected.length, opts.dryRun ? 'checking' : 'revalidating');
  const results: Revalidated[] = [];
  for (const row of rejected) {
    const raw = await dataSource.getRepository(RawPush).findOneByOrFail({ id: row.rawPushId });
    const push = receivedPushOf({ ...raw, ...storedRequestOf(raw) }, await readRawPushBody(dataSource, raw.id));
    try {
      if (opts.dryRun) {
        readVerifiedPush(QIMEN_HANDLERS, push);
        results.push({ id: row.id, outcome: 'would be accepted', workOrderId: null, reason: null });
      } else {
        const { workOrderId } = (await acceptVerifiedPush(QIMEN_HANDLERS, { dataSource, routes, packageIndexer }, push)) as { workOrderId: number };
        await dataSource.getRepository(RejectedPush).update({ id: row.id }, { acceptedAt: now(), workOrderId });
        await recordAudit(dataSource.manager, {
          actor: opts.actor, action: 'rejected-push.accept', target: { type: 'rejected_push', id: row.id },
          before: { errorId: row.errorId, message: row.message }, after: { workOrderId }, at: now(),
        });
        results.push({ id: row.id, outcome: 'accepted', workOrderId, reason: null });
      }
    } catch (err) {
      if (!(err instanceof QimenError)) throw err;
      results.push({ id: row.id, outcome: 'refused', workOrderId: null, reason: `${err.errorId}: ${err.message}` });
    }
    bar.tick();
  }
  bar.stop();
  await packageIndexer.drain(); // big pushes' package rows, before the command exits
  printTable(io, ['rejected push', 'outcome', 'work order', 'still refused because'], results.map((r) => [r.id, r.outcome, r.workOrderId, r.reason]));
  const accepted = results.filter((r) => r.outcome !== 'refused').length;
  io.out.write(`${opts.dryRun ? 'dry run, nothing stored: ' : ''}${accepted} of ${results.length} ${opts.dryRun ? 'would be accepted' : 'accepted'}\n`);
  return results;
}
