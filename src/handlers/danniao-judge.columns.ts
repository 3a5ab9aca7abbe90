import { scaledHalfUp, parseDecimal } from '../domain/decimal';
import { keptTextOrNull as text } from '../domain/kept-text';
import { amountToMinorUnits, percentToBasisPoints } from '../domain/money';
import type { DanniaoJudgeDto } from '../dto/danniao-judge.dto';
import { JsonNumber, numberText } from '../json/push-json';
import type { RevisionColumns } from '../storage/judgments/judgment';

/** The currency of judgeResult.claimAmount and paymentInfo.paymentAmount (assumed; the spec gives none). */
export const DEFAULT_CURRENCY = 'CNY';

/** A validated money amount (major units) as its text as sent and its minor units, rounded half-up; all null when absent. */
function money(value: JsonNumber | undefined): { text: string | null; minor: number | null; subFen: boolean } {
  if (value === undefined) return { text: null, minor: null, subFen: false };
  const written = numberText(value)!;
  return { text: written, ...amountToMinorUnits(written) };
}

/** A ratio in percent to basis points (12.5% → 1250), exactly. */
function ratio(value: JsonNumber | undefined): { text: string | null; bp: number | null } {
  return value === undefined ? { text: null, bp: null } : { text: numberText(value), bp: percentToBasisPoints(numberText(value)!) };
}

/** claimInfo.claimAmount arrives in fen already: a fraction of a fen is rounded half-up (and flagged). */
function fen(value: JsonNumber | undefined): { text: string | null; fen: number | null; subFen: boolean } {
  if (value === undefined) return { text: null, fen: null, subFen: false };
  const rounded = scaledHalfUp(parseDecimal(numberText(value)!)!, 0);
  return { text: numberText(value), fen: rounded.value, subFen: !rounded.exact };
}

/** A validated integer field as a number (its text is an integer within the field's bound). */
function int(value: JsonNumber | undefined): number | null {
  return value === undefined ? null : Number(numberText(value));
}

/** Epoch ms to a UTC date; 0 (the spec's "unset") to null. */
function time(value: JsonNumber | undefined): Date | null {
  const ms = int(value);
  return ms ? new Date(ms) : null;
}

/** Maps the validated push onto the revision's typed columns: text as kept (src/domain/kept-text.ts), numbers from their text as sent. */
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
    bizType: text(j.bizType),
    workOrderType: int(j.workOrderType),
    lpCode: text(j.lpCode),
    sourceSystem: int(j.sourceSystem),
    creatorRole: int(j.creatorInfo?.role),
    creatorDomain: text(j.creatorInfo?.domain),
    creatorId: text(j.creatorInfo?.id),
    description: text(j.description),
    logisticsOrderNo: text(j.logisticsOrderNo),
    externalOrderId: text(j.externalOrderId),
    waybillNo: text(j.waybillNo),
    tenantId: text(j.tenantId),
    claimInfoUnitPriceText: unitPrice.text,
    claimInfoUnitPriceMinor: unitPrice.minor,
    claimInfoExceedsMaxCompensation: c.isExceedMaxCompensation ?? null,
    claimInfoExpectedUnitPriceText: expected.text,
    claimInfoExpectedUnitPriceMinor: expected.minor,
    claimInfoUnitPriceCurrency: c.unitPriceCurrency ?? null,
    claimInfoTotalQty: int(c.totalQty),
    claimInfoComplaintQty: int(c.complaintQty),
    claimInfoGoodsId: text(c.goodsId),
    claimInfoGoodsName: text(c.goodsName),
    claimInfoClaimAmountText: claimInfoAmount.text,
    claimInfoClaimAmountFen: claimInfoAmount.fen,
    claimInfoClaimUnitPriceText: claimUnitPrice.text,
    claimInfoClaimUnitPriceMinor: claimUnitPrice.minor,
    claimInfoClaimAmountCurrency: c.claimAmountCurrency ?? null,
    established: r.established ?? null,
    responsibilityWaybillNo: text(r.responsibilityWaybillNo),
    deliveryRatioText: delivery.text,
    deliveryRatioBp: delivery.bp,
    warehouseRatioText: warehouse.text,
    warehouseRatioBp: warehouse.bp,
    responsibilityParty: text(r.responsibilityParty),
    claimAmountText: claimAmount.text,
    claimAmountMinor: claimAmount.minor,
    judgeReason: text(r.judgeReason),
    compensationType: text(r.compensationType),
    payee: text(p.payee),
    paymentFlowNo: text(p.paymentFlowNo),
    paymentChargeTime: time(p.paymentChargeTime),
    paymentAmountText: paymentAmount.text,
    paymentAmountMinor: paymentAmount.minor,
    paymentStatus: text(p.paymentStatus),
    paymentCreateTime: time(p.paymentCreateTime),
    subFenAmount: [unitPrice, expected, claimUnitPrice, claimInfoAmount, claimAmount, paymentAmount].some((amount) => amount.subFen),
  };
}
