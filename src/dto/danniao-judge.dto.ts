/**
 * Request body of the Qimen push qimen.alibaba.dchain.workorder.danniao.judge (自营工单-丹鸟判责),
 * after Qimen's API document (docs/platforms.md). Every field is optional in the spec; a field that is
 * present must have the spec's type, without conversion ("89.9" is not a Number). A Number field holds the
 * number as sent (JsonNumber: its exact text), never a binary float of it. Fields the spec does
 * not list are not errors: the raw push is stored as received elsewhere.
 *
 * Properties are declared in the spec's order; validateDto reports the first failing field in that order.
 * Nested classes come first: with emitDecoratorMetadata a class must be defined before it is used as a type.
 */
import type { JsonNumber } from '../json/push-json';
import { NestedType } from './instantiate';
import { IsBoolean, IsObject, ValidateNested } from 'class-validator';
import {
  IsCurrencyCode,
  IsMoneyAmount,
  IsNonNegativeInteger,
  IsOptionalNotNull,
  IsPercentage,
  IsStringList,
  IsText,
  SumWithAtMost100,
} from './decorators';

/**
 * Longest accepted string, in characters. The spec gives no lengths: these are our assumptions, roomy
 * next to the sample values.
 */
export const MAX_LENGTH = {
  /** Order, waybill, LP, package and payment-flow numbers (sample: "LOGI_202501010001"). */
  documentNo: 64,
  /** User, goods and external-order ids (sample: "CN_USER_10001"); 128 leaves room for composite ids. */
  id: 128,
  /** Enum-like codes: bizType, responsibilityParty, compensationType, paymentStatus, creatorInfo.domain, tenantId. */
  code: 64,
  goodsName: 512,
  /** Free text: description, judgeResult.judgeReason. */
  text: 2000,
} as const;

/** The spec's 最大列表长度 for responsibilityPackageNos. */
export const MAX_RESPONSIBILITY_PACKAGES = 999_999;

/**
 * Largest integer accepted in a field stored in an INTEGER column (role, quantities, workOrderType,
 * sourceSystem): MySQL/MariaDB's INT is 32-bit signed, and a larger value made the insert fail with
 * "Out of range value" (an internal-error answered to every retry of the push, found by test/hostile).
 */
export const MAX_INT_COLUMN = 2_147_483_647;

/** Largest epoch-millisecond time accepted: 9999-12-31T23:59:59.999Z. */
export const MAX_EPOCH_MILLIS = 253_402_300_799_999;

/** 创建人 */
export class CreatorInfoDto {
  /** 角色 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_INT_COLUMN)
  role?: JsonNumber;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  domain?: string;

  /** 用户ID */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.id)
  id?: string;
}

/** 直判索赔信息. Amounts are in major units (yuan) of their currency field. */
export class ClaimInfoDto {
  @IsOptionalNotNull() @IsMoneyAmount()
  unitPrice?: JsonNumber;

  /** 整单是否超上限赔付金额 */
  @IsOptionalNotNull() @IsBoolean()
  isExceedMaxCompensation?: boolean;

  @IsOptionalNotNull() @IsMoneyAmount()
  expectedCompensationUnitPrice?: JsonNumber;

  @IsOptionalNotNull() @IsCurrencyCode()
  unitPriceCurrency?: string;

  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_INT_COLUMN)
  totalQty?: JsonNumber;

  /** 投诉数量 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_INT_COLUMN)
  complaintQty?: JsonNumber;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.id)
  goodsId?: string;

  /** 索赔总额 */
  @IsOptionalNotNull() @IsMoneyAmount()
  claimAmount?: JsonNumber;

  @IsOptionalNotNull() @IsMoneyAmount()
  claimUnitPrice?: JsonNumber;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.goodsName)
  goodsName?: string;

  @IsOptionalNotNull() @IsCurrencyCode()
  claimAmountCurrency?: string;
}

/** 判责信息. Ratios are percentages: warehouseRatio 100 means the warehouse bears it all. */
export class JudgeResultDto {
  /** 是否成立 */
  @IsOptionalNotNull() @IsBoolean()
  established?: boolean;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.documentNo)
  responsibilityWaybillNo?: string;

  /** 配送责任比例; with warehouseRatio at most 100 in total (the rest is nobody's or not stated). */
  @IsOptionalNotNull() @IsPercentage() @SumWithAtMost100('warehouseRatio')
  deliveryRatio?: JsonNumber;

  /** 责任方, e.g. WAREHOUSE */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  responsibilityParty?: string;

  /** 索赔金额 */
  @IsOptionalNotNull() @IsMoneyAmount()
  claimAmount?: JsonNumber;

  /** 判责原因 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.text)
  judgeReason?: string;

  /** 仓方责任比例 */
  @IsOptionalNotNull() @IsPercentage()
  warehouseRatio?: JsonNumber;

  /** 赔付类型, e.g. REFUND */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  compensationType?: string;
}

/** 赔付信息. Times are epoch milliseconds; 0 means "not set yet" (the spec's sample sends 0). */
export class PaymentInfoDto {
  /** 收款方 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.id)
  payee?: string;

  /** 赔付流水工单号 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.documentNo)
  paymentFlowNo?: string;

  /** 赔付出账时间 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_EPOCH_MILLIS)
  paymentChargeTime?: JsonNumber;

  /** 赔付出账金额 */
  @IsOptionalNotNull() @IsMoneyAmount()
  paymentAmount?: JsonNumber;

  /** 赔付状态, e.g. SUCCESS */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  paymentStatus?: string;

  /** 赔付创建时间 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_EPOCH_MILLIS)
  paymentCreateTime?: JsonNumber;
}

/** The whole push body. */
export class DanniaoJudgeDto {
  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  bizType?: string;

  /** 工单类型 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_INT_COLUMN)
  workOrderType?: JsonNumber;

  /** 二段LP单 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.documentNo)
  lpCode?: string;

  /** 来源系统 */
  @IsOptionalNotNull() @IsNonNegativeInteger(MAX_INT_COLUMN)
  sourceSystem?: JsonNumber;

  @IsOptionalNotNull() @IsObject() @ValidateNested() @NestedType(() => CreatorInfoDto)
  creatorInfo?: CreatorInfoDto;

  @IsOptionalNotNull() @IsObject() @ValidateNested() @NestedType(() => ClaimInfoDto)
  claimInfo?: ClaimInfoDto;

  /** 工单创建描述 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.text)
  description?: string;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.documentNo)
  logisticsOrderNo?: string;

  /** 供应链下发工单单号 */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.id)
  externalOrderId?: string;

  @IsOptionalNotNull() @IsObject() @ValidateNested() @NestedType(() => JudgeResultDto)
  judgeResult?: JudgeResultDto;

  /** 责任包裹号列表; the spec's own sample holds [""], so empty package numbers are accepted. */
  @IsOptionalNotNull() @IsStringList(MAX_RESPONSIBILITY_PACKAGES, MAX_LENGTH.documentNo)
  responsibilityPackageNos?: string[];

  @IsOptionalNotNull() @IsObject() @ValidateNested() @NestedType(() => PaymentInfoDto)
  paymentInfo?: PaymentInfoDto;

  @IsOptionalNotNull() @IsText(MAX_LENGTH.documentNo)
  waybillNo?: string;

  /** 账套ID */
  @IsOptionalNotNull() @IsText(MAX_LENGTH.code)
  tenantId?: string;
}
