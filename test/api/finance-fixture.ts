import { Claim, ClaimEvent, Settlement, WorkOrder } from '../../src/entities';
import { updateClaim } from '../../src/storage/claims/claim-repository';
import { inTransaction } from '../../src/storage/transactions';
import { specExample } from '../support/qimen-push';
import type { TestService } from '../support/test-service';
import { readAnswer } from '../support/http-answer';

/**
 * A small, hand-computed finance world shared by the finance API tests (see the table below). Pushed
 * through the real /qimen edge, then received times and claim outcomes set directly in the database.
 *
 * | wo | tenant  | party     | ratios w/d | claim  | paid   | cur | received (UTC)   | claims (route: status amount)                         | flags                          |
 * | A  | MAOCHAO | WAREHOUSE | 100/0      | 89.90  | 89.90  | CNY | 2026-01-01 10:00 | warehouse-share: submitted 89.90 (11 days)            | submitted-stale                |
 * | B  | TMALL   | DELIVERY  | 0/100      | 20.00  | 19.99  | CNY | 2026-01-02 10:00 | whole-refund: accepted 20.00, platform accepted 15.00 | payment-differs, accepted-differs |
 * | C  | MAOCHAO | WAREHOUSE | 60/30      | 100.00 | 100.00 | CNY | 2026-01-03 10:00 | warehouse-share: completed 60.00, resent blind, the latest revision calling for 50.00 | share-uncovered, resent-blind, claim-outdated |
 * | D  | TMALL   | WAREHOUSE | 50/0       | 10.00  | 10.00  | CNY | 2026-01-04 10:00 | warehouse-share: pending 5.00; whole-refund: dead 10.00 | claim-failed                 |
 * | E  | MAOCHAO | WAREHOUSE | 100/0      | 0 (not established) | 0 | CNY | 2026-01-05 10:00 | none                                       | none                           |
 * | F  | MAOCHAO | WAREHOUSE | 100/0      | 12.34  | 12.34  | USD | 2026-01-05 20:00 | warehouse-share: pending 12.34                        | none                           |
 */
export const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789' };

export const FINANCE_CONFIG = {
  platforms: {
    glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'glitz-api-key', secretkey: 'glitz-secret-key', storeName: 'TWUSA01' },
    appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'session-secret-xyz' },
  },
  routes: [
    {
      name: 'warehouse-share', platform: 'glitzcloud', when: { established: true, responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio',
      fields: { type: '1', connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason}' },
    },
    { name: 'whole-refund', platform: 'appintf', when: { established: true, tenantId: 'TMALL' }, fields: { orderId: '123456', cause: '{judgeResult.judgeReason}' } },
  ],
  finance: { tokens: [{ name: 'fin-viewer', token: TOKENS.viewer, role: 'viewer' }, { name: 'fin-op', token: TOKENS.operator, role: 'operator' }] },
};

export interface WorldRow {
  key: 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
  tenantId: string;
  party: string;
  ratios: [number, number];
  claimAmount: number;
  paymentAmount: number;
  currency: string;
  established: boolean;
  receivedAt: string;
}

export const WORLD: WorldRow[] = [
  { key: 'A', tenantId: 'MAOCHAO', party: 'WAREHOUSE', ratios: [100, 0], claimAmount: 89.9, paymentAmount: 89.9, currency: 'CNY', established: true, receivedAt: '2026-01-01T10:00:00.000Z' },
  { key: 'B', tenantId: 'TMALL', party: 'DELIVERY', ratios: [0, 100], claimAmount: 20, paymentAmount: 19.99, currency: 'CNY', established: true, receivedAt: '2026-01-02T10:00:00.000Z' },
  { key: 'C', tenantId: 'MAOCHAO', party: 'WAREHOUSE', ratios: [60, 30], claimAmount: 100, paymentAmount: 100, currency: 'CNY', established: true, receivedAt: '2026-01-03T10:00:00.000Z' },
  { key: 'D', tenantId: 'TMALL', party: 'WAREHOUSE', ratios: [50, 0], claimAmount: 10, paymentAmount: 10, currency: 'CNY', established: true, receivedAt: '2026-01-04T10:00:00.000Z' },
  { key: 'E', tenantId: 'MAOCHAO', party: 'WAREHOUSE', ratios: [100, 0], claimAmount: 0, paymentAmount: 0, currency: 'CNY', established: false, receivedAt: '2026-01-05T10:00:00.000Z' },
  { key: 'F', tenantId: 'MAOCHAO', party: 'WAREHOUSE', ratios: [100, 0], claimAmount: 12.34, paymentAmount: 12.34, currency: 'USD', established: true, receivedAt: '2026-01-05T20:00:00.000Z' },
];

/** The judgment pushed for a world row: order, logistics, waybill and package numbers all derive from its key. */
export function worldJudgment(row: WorldRow): Record<string, any> {
  const j = specExample();
  j.tenantId = row.tenantId;
  j.externalOrderId = `ORDER-${row.key}`;
  j.logisticsOrderNo = `LOGI-${row.key}`;
  j.waybillNo = `WB-${row.key}`;
  j.responsibilityPackageNos = [`PKG-${row.key}-1`, `PKG-${row.key}-2`];
  j.claimInfo.claimAmountCurrency = row.currency;
  j.claimInfo.unitPriceCurrency = row.currency;
  j.judgeResult.established = row.established;
  j.judgeResult.responsibilityParty = row.party;
  j.judgeResult.warehouseRatio = row.ratios[0];
  j.judgeResult.deliveryRatio = row.ratios[1];
  j.judgeResult.claimAmount = row.claimAmount;
  j.paymentInfo.paymentAmount = row.paymentAmount;
  return j;
}

const DAY = 86_400_000;

/** Pushes the world and settles its claims as the table says; answers work order ids by key. */
export async function buildWorld(svc: TestService): Promise<Record<WorldRow['key'], number>> {
  const ids = {} as Record<WorldRow['key'], number>;
  for (const row of WORLD) {
    const { json } = await svc.push(worldJudgment(row));
    ids[row.key] = json.data.workOrderId;
    await svc.dataSource.getRepository(WorkOrder).update({ id: ids[row.key] }, { receivedAt: new Date(row.receivedAt) });
  }
  const claims = svc.dataSource.getRepository(Claim);
  const claimOf = (key: WorldRow['key'], route: string) => claims.findOneByOrFail({ workOrderId: ids[key], route });
  const now = Date.now();

  const a = await claimOf('A', 'warehouse-share');
  await claims.update({ id: a.id }, { status: 'submitted', attempts: 1, nextAttemptAt: null, updatedAt: new Date(now) });
  await svc.dataSource.getRepository(ClaimEvent).insert({ claimId: a.id, fromStatus: 'pending', toStatus: 'submitted', source: 'dispatcher', reason: 'test', payload: null, createdAt: new Date(now - 11 * DAY) });
  const b = await claimOf('B', 'whole-refund');
  await claims.update({ id: b.id }, { status: 'accepted', attempts: 1, acceptedAmountMinor: 1500, nextAttemptAt: null });
  const c = await claimOf('C', 'warehouse-share');
  await claims.update({ id: c.id }, { status: 'completed', attempts: 2, nextAttemptAt: null, resentBlindAt: new Date(now - DAY), plannedAmountMinor: 5000 });
  const d = await claimOf('D', 'whole-refund');
  await claims.update({ id: d.id }, { status: 'dead', attempts: 8, lastError: '17: 订单不存在', nextAttemptAt: null });
  return ids;
}

/**
 * The world's statements, for the settlement flags (not part of buildWorld, whose flags other tests read):
 * C's claim (completed 60.00) holds Glitzcloud record G-C, settled 59.50 by a statement line: settled-differs;
 * B's claim was accepted 40 days ago and nothing settles it: unsettled-stale.
 */
export async function settleWorld(svc: TestService, ids: Record<WorldRow['key'], number>): Promise<void> {
  const claims = svc.dataSource.getRepository(Claim);
  const c = await claims.findOneByOrFail({ workOrderId: ids.C, route: 'warehouse-share' });
  const at = new Date();
  await svc.dataSource.getRepository(Settlement).insert({
    platform: 'glitzcloud', reference: 'STATEMENT-C-1', platformClaimId: 'G-C', amountMinor: 5950, currency: 'CNY', settledAt: at, importedAt: at, importedBy: 'fin-op', fileSha256: '0'.repeat(64),
  });
  // The line was imported before the claim learnt the platform's id; learning it counts the line.
  await inTransaction(svc.dataSource, (em) => updateClaim(em, { id: c.id }, { platformClaimId: 'G-C' }));
  const b = await claims.findOneByOrFail({ workOrderId: ids.B, route: 'whole-refund' });
  await svc.dataSource.getRepository(ClaimEvent).insert({ claimId: b.id, fromStatus: 'submitted', toStatus: 'accepted', source: 'poll', reason: 'test', payload: null, createdAt: new Date(Date.now() - 40 * DAY) });
}

/** fetch with a bearer token; answers status, headers and the parsed JSON (or text). */
export async function call(baseUrl: string, path: string, opts: { token?: string; method?: string } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: opts.method ?? 'GET',
    headers: opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` },
  });
  return readAnswer(res);
}
