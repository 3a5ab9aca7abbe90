import { DataSource, MoreThan } from 'typeorm';
import { AuditActor, recordAudit } from '../api/audit';
import { applyClaimActions, ClaimAction, diffClaims, recordPlannedClaims, RevisionForClaims } from '../claims/sync-claims';
import type { RouteConfig } from '../config/schema';
import { formatMinorUnits } from '../domain/money';
import { Claim, JudgmentRevision, WorkOrder } from '../entities';
import { readRawPushBody } from '../storage/raw-push-store';
import { inTransaction } from '../storage/transactions';
import { CliIo, printTable, progress } from './output';
import { type Clock, systemClock } from '../clock';
import { parsePushBody } from '../json/push-json';

/** The latest revision of a work order, as the routes see it (the pushed JSON). */
async function latestRevision(dataSource: DataSource, workOrder: WorkOrder, at: Date): Promise<RevisionForClaims> {
  const rev = await dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId: workOrder.id, revision: workOrder.latestRevision });
  const judgment = parsePushBody(await readRawPushBody(dataSource, rev.rawPushId)) as RevisionForClaims['judgment'];
  return { workOrderId: workOrder.id, revision: rev.revision, currency: rev.currency, judgment, at };
}

function describe(a: ClaimAction): Array<string | number | null> {
  const amount = a.kind === 'create' || a.kind === 'update' ? a.plan.amountMinor : a.claim.amountMinor;
  return [a.kind, a.route, amount === null ? null : formatMinorUnits(amount), a.reason.text];
}

/**
 * Re-runs the current routes over stored judgments (after a config change), as the push would: files
 * claims for newly matching routes, updates or cancels unsent ones, never files a sent one again.
 * A dry run prints exactly the actions a real run would take, and takes none.
 */
export async function rerunRoutes(
  dataSource: DataSource,
  io: CliIo,
  routes: readonly RouteConfig[],
  opts: { apply: boolean; workOrderIds?: number[]; actor: AuditActor; now?: Clock },
): Promise<Array<{ workOrderId: number; actions: ClaimAction[] }>> {
  const now = opts.now ?? systemClock;
  const ids = opts.workOrderIds?.length
    ? opts.workOrderIds
    : (await dataSource.getRepository(WorkOrder).find({ select: { id: true }, where: { id: MoreThan(0), latestRevision: MoreThan(0) }, order: { id: 'ASC' } })).map((w) => w.id);
  const bar = progress(io, ids.length, opts.apply ? 'applying routes' : 'planning');
  const results: Array<{ workOrderId: number; actions: ClaimAction[] }> = [];
  for (const id of ids) {
    const workOrder = await dataSource.getRepository(WorkOrder).findOneBy({ id });
    if (!workOrder || workOrder.latestRevision === 0) continue;
    const rev = await latestRevision(dataSource, workOrder, now());
    const actions = opts.apply
      ? await inTransaction(dataSource, async (em) => {
          // Diffed again inside the transaction, against the claims as they are now.
          const existing = await em.find(Claim, { where: { workOrderId: id } });
          const planned = diffClaims(existing, routes, rev);
          await applyClaimActions(em, planned, rev, 'operator');
          await recordPlannedClaims(em, existing, routes, rev);
          if (planned.length) {
            await recordAudit(em, {
              actor: opts.actor, action: 'routes.rerun', target: { type: 'work_order', id }, at: rev.at,
              before: null, after: planned.map((a) => ({ kind: a.kind, route: a.route, reason: a.reason.text })),
            });
          }
          return planned;
        })
      : diffClaims(await dataSource.getRepository(Claim).find({ where: { workOrderId: id } }), routes, rev);
    if (actions.length) results.push({ workOrderId: id, actions });
    bar.tick();
  }
  bar.stop();
  printTable(io, ['work order', 'action', 'route', 'amount', 'why'], results.flatMap((r) => r.actions.map((a) => [r.workOrderId, ...describe(a)])));
  const count = (kind: string) => results.reduce((n, r) => n + r.actions.filter((a) => a.kind === kind).length, 0);
  io.out.write(`${opts.apply ? 'applied' : 'dry run, nothing changed'}: ${count('create')} to file, ${count('update')} to update, ${count('cancel')} to cancel, ${count('note')} noted, over ${ids.length} work order(s)\n`);
  return results;
}
