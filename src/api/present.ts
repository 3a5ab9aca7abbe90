import { formatMinorUnits } from '../domain/money';
import type { Claim, ClaimAttempt, ClaimEvent, JudgmentRevision, WorkOrder } from '../entities';

/** How stored rows look in the finance API: money as decimal strings, times as ISO UTC. */
const money = (minor: number | null) => (minor === null ? null : formatMinorUnits(minor));
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ratio = (bp: number | null) => (bp === null ? null : formatMinorUnits(bp));
const json = (text: string | null) => (text === null ? null : safeParse(text));

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function presentClaim(c: Claim) {
  return {
    id: c.id, workOrderId: c.workOrderId, route: c.route, platform: c.platform, status: c.status,
    amount: money(c.amountMinor), acceptedAmount: money(c.acceptedAmountMinor), currency: c.currency, platformClaimId: c.platformClaimId, platformStatus: c.platformStatus,
    attempts: c.attempts, lastError: c.lastError, lastErrorId: c.lastErrorId, lastErrorParams: json(c.lastErrorParams), nextAttemptAt: iso(c.nextAttemptAt), revision: c.revision,
    createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
  };
}

export function presentAttempt(a: ClaimAttempt) {
  return {
    attemptNo: a.attemptNo, outcome: a.outcome, startedAt: iso(a.startedAt), finishedAt: iso(a.finishedAt), latencyMs: a.latencyMs,
    httpStatus: a.httpStatus, errorCode: a.errorCode, errorMessage: a.errorMessage, errorId: a.errorId, errorParams: json(a.errorParams),
    request: json(a.request), response: a.response,
  };
}

export function presentEvent(e: ClaimEvent) {
  return {
    from: e.fromStatus, to: e.toStatus, source: e.source, reason: e.reason, reasonId: e.reasonId, reasonParams: json(e.reasonParams),
    payload: json(e.payload), at: iso(e.createdAt),
  };
}

/** The judgment fields of a work order's revision (docs/http-contract.md list item, without claims). */
export function presentRevisionFields(r: JudgmentRevision) {
  return {
    externalOrderId: r.externalOrderId, tenantId: r.tenantId, bizType: r.bizType, responsibilityParty: r.responsibilityParty,
    warehouseRatio: ratio(r.warehouseRatioBp), deliveryRatio: ratio(r.deliveryRatioBp),
    claimAmount: money(r.claimAmountMinor), paymentAmount: money(r.paymentAmountMinor), currency: r.currency,
  };
}

export function presentJudgment(w: WorkOrder, latest: JudgmentRevision) {
  return { workOrderId: w.id, ...presentRevisionFields(latest), receivedAt: iso(w.receivedAt), revision: w.latestRevision };
}

/** Every typed column of a revision, for the detail view. */
export function presentRevision(r: JudgmentRevision) {
  const { id, workOrderId, rawPushId, contentHash, ...columns } = r;
  return {
    ...columns,
    receivedAt: iso(r.receivedAt), pushedAt: iso(r.pushedAt), paymentChargeTime: iso(r.paymentChargeTime), paymentCreateTime: iso(r.paymentCreateTime),
    ...presentRevisionFields(r),
  };
}
