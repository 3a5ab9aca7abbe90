import type { DataSource } from 'typeorm';
import type { RouteConfig } from '../config/schema';
import { formatMinorUnits } from '../domain/money';
import { Judgment, planClaims } from '../domain/routes';
import { Claim, JudgmentRevision, WorkOrder } from '../entities';
import { canonicalJson } from '../storage/canonical-json';
import { readRawPushBody } from '../storage/raw-push-store';
import { notFound } from './api-error';
import { parsePushBody } from '../json/push-json';

/** A matching route agrees with a filed claim of the same content; a route that does not match, with none (or a cancelled one). */
function agrees(matched: boolean, filed: Claim | null, sameContent: () => boolean): boolean | null {
  if (matched) return filed ? sameContent() : false;
  if (!filed) return null;
  return filed.status === 'cancelled';
}

const money = (minor: number | null) => (minor === null ? null : formatMinorUnits(minor));

/**
 * What the routes in force now would file for a work order's latest revision, and why (each `when`
 * key's verdict, the computed amount, the resolved fields), beside what was actually filed per route.
 * The judgment is the latest revision's raw push, parsed: exactly what the routes saw at push time.
 */
export async function routePreview(dataSource: DataSource, routes: readonly RouteConfig[], workOrderId: number) {
  const workOrder = await dataSource.getRepository(WorkOrder).findOneBy({ id: workOrderId });
  if (!workOrder) throw notFound(`work order ${workOrderId}`);
  const revision = await dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId, revision: workOrder.latestRevision });
  const judgment = parsePushBody(await readRawPushBody(dataSource, revision.rawPushId)) as Judgment;
  const claims = await dataSource.getRepository(Claim).find({ where: { workOrderId }, order: { id: 'ASC' } });
  const filedByRoute = new Map(claims.map((c) => [c.route, c]));

  const planned = planClaims(routes, judgment).map((plan, i) => {
    const route = routes[i];
    const filed = filedByRoute.get(plan.route) ?? null;
    const filedFields = filed ? (JSON.parse(filed.fields) as Record<string, unknown>) : null;
    return {
      route: plan.route,
      platform: plan.platform,
      share: route.share ?? null,
      when: route.when,
      matched: plan.matched,
      reasons: plan.reasons,
      checks: plan.checks,
      amount: money(plan.amountMinor),
      currency: revision.currency,
      fields: plan.fields,
      filed: filed && {
        claimId: filed.id, status: filed.status, revision: filed.revision, amount: money(filed.amountMinor), currency: filed.currency, fields: filedFields,
      },
      /** true: the filed claim is what the route asks for now; false: it differs; null: nothing to compare. */
      matchesFiled: agrees(plan.matched, filed, () =>
        filed!.amountMinor === plan.amountMinor && filed!.currency === revision.currency && canonicalJson(filedFields) === canonicalJson(plan.fields)),
    };
  });
  const routeNames = new Set(routes.map((r) => r.name));
  return {
    workOrderId,
    revision: revision.revision,
    routes: planned,
    /** Claims filed by routes that are no longer configured. */
    filedWithoutRoute: claims.filter((c) => !routeNames.has(c.route)).map((c) => ({ claimId: c.id, route: c.route, status: c.status, amount: money(c.amountMinor) })),
  };
}
