import { toMinorUnits } from '../domain/money';
import type { DanniaoJudgeDto } from '../dto/danniao-judge.dto';
import type { RevisionColumns } from '../storage/judgments/judgment';

/** The currency of judgeResult.claimAmount and paymentInfo.paymentAmount (assumed; the spec gives none). */
export const DEFAULT_CURRENCY = 'CNY';

/** A validated money amount as its text and integer minor units; both null when absent. */
function money(value: number | undefined): { text: string | null; minor: number | null } {
  if (value === undefined) return { text: null, minor: null };
  const minor = toMinorUnits(value);
  return { text: String(Object.is(value, -0) ? 0 : value), minor };
}

/** A ratio in percent to basis points (12.5% → 1250), exactly. */
function ratio(value: number | undefined): { text: string | null; bp: number | null } {
  return value === undefined ? { text: null, bp: null } : { text: String(value), bp: toMinorUnits(value) };
}

/** claimInfo.claimAmount arrives in fen already: kept as is when it is a whole number. */
function fen(value: number | undefined): { text: string | null; fen: number | null } {
  if (value === undefined) return { text: null, fen: null };
  return { text: String(value), fen: Number.isSafeInteger(value) ? value : null };
}

/** Epoch ms to a UTC date; 0 (the spec's "unset") to null. */
function time(ms: number | undefined): Date | null {
  return ms ? new Date(ms) : null;
}

/** Maps the validated push onto the revision's typed columns. */
export function revisionColumns(j: DanniaoJudgeDto): RevisionColumns {
  const c = j.claimInfo ?? {};
  const r = j.judgeResult ?? {};
  const p = j.paymentInfo ?? {};
  const unitPrice = money(c.unitPrice);
  const expected = money(c.expectedCompensationUnitPrice);
  const claimUnitPrice = money(c.claimUnitPrice);
  const claimInfoAmount = fen(c.claimAmount);
  const claimAmount = money(r.claimAmount);
  const paymentAmount = money(p.paymentAmount);
  const warehouse = ratio(r.warehouseRatio);
  const delivery = ratio(r.deliveryRatio);
  return {
    currency: c.claimAmountCurrency ?? DEFAULT_CURRENCY,
    bizType: j.bizType ?? null,
    workOrderType: j.workOrderType ?? null,
    lpCode: j.lpCode ?? null,
    sourceSystem: j.sourceSystem ?? null,
    creatorRole: j.creatorInfo?.role ?? null,
    creatorDomain: j.creatorInfo?.domain ?? null,
    creatorId: j.creatorInfo?.id ?? null,
    description: j.description ?? null,
    logisticsOrderNo: j.logisticsOrderNo ?? null,
    externalOrderId: j.externalOrderId ?? null,
    waybillNo: j.waybillNo ?? null,
    tenantId: j.tenantId ?? null,
    claimInfoUnitPriceText: unitPrice.text,
    claimInfoUnitPriceMinor: unitPrice.minor,
    claimInfoExceedsMaxCompensation: c.isExceedMaxCompensation ?? null,
    claimInfoExpectedUnitPriceText: expected.text,
    claimInfoExpectedUnitPriceMinor: expected.minor,
    claimInfoUnitPriceCurrency: c.unitPriceCurrency ?? null,
    claimInfoTotalQty: c.totalQty ?? null,
    claimInfoComplaintQty: c.complaintQty ?? null,
    claimInfoGoodsId: c.goodsId ?? null,
    claimInfoGoodsName: c.goodsName ?? null,
    claimInfoClaimAmountText: claimInfoAmount.text,
    claimInfoClaimAmountFen: claimInfoAmount.fen,
    claimInfoClaimUnitPriceText: claimUnitPrice.text,
    claimInfoClaimUnitPriceMinor: claimUnitPrice.minor,
    claimInfoClaimAmountCurrency: c.claimAmountCurrency ?? null,
    established: r.established ?? null,
    responsibilityWaybillNo: r.responsibilityWaybillNo ?? null,
    deliveryRatioText: delivery.text,
    deliveryRatioBp: delivery.bp,
    warehouseRatioText: warehouse.text,
    warehouseRatioBp: warehouse.bp,
    responsibilityParty: r.responsibilityParty ?? null,
    claimAmountText: claimAmount.text,
    claimAmountMinor: claimAmount.minor,
    judgeReason: r.judgeReason ?? null,
    compensationType: r.compensationType ?? null,
    payee: p.payee ?? null,
    paymentFlowNo: p.paymentFlowNo ?? null,
    paymentChargeTime: time(p.paymentChargeTime),
    paymentAmountText: paymentAmount.text,
    paymentAmountMinor: paymentAmount.minor,
    paymentStatus: p.paymentStatus ?? null,
    paymentCreateTime: time(p.paymentCreateTime),
  };
}
