/**
 * A copy of the spec's danniao.judge request example (test/fixtures/danniao-judge-request.json),
 * embedded so that dist/bench/*.js does not depend on where the test fixtures lie.
 */
export const SPEC_EXAMPLE = {
  bizType: 'EXPIRATION_PROBLEM',
  workOrderType: 2,
  lpCode: 'LP123456789CN',
  sourceSystem: 4,
  creatorInfo: { role: 1, domain: '83', id: 'CN_USER_10001' },
  claimInfo: {
    unitPrice: 0,
    isExceedMaxCompensation: false,
    expectedCompensationUnitPrice: 0,
    unitPriceCurrency: 'CNY',
    totalQty: 1,
    complaintQty: 1,
    goodsId: 'SKU_10001',
    claimAmount: 749,
    claimUnitPrice: 0,
    goodsName: '某品牌牛奶 250ml*12',
    claimAmountCurrency: 'CNY',
  },
  description: '直判:仓内临期问题,建议赔付并结案。',
  logisticsOrderNo: 'LOGI_202501010001',
  externalOrderId: 'TMALL_1234567890',
  judgeResult: {
    established: true,
    responsibilityWaybillNo: '75123456789012',
    deliveryRatio: 0,
    responsibilityParty: 'WAREHOUSE',
    claimAmount: 0,
    judgeReason: '仓内拣选导致临期',
    warehouseRatio: 100,
    compensationType: 'REFUND',
  },
  tenantId: 'MAOCHAO',
  responsibilityPackageNos: [''],
  paymentInfo: {
    payee: 'CN_USER_10001',
    paymentFlowNo: 'PAY_202501010001',
    paymentChargeTime: 0,
    paymentAmount: 0,
    paymentStatus: 'SUCCESS',
    paymentCreateTime: 0,
  },
  waybillNo: '75123456789012',
};

/** The example as a push body, with its own externalOrderId (and optionally package numbers). */
export function exampleBody(externalOrderId: string, packageNos?: string[]): string {
  return JSON.stringify({ ...SPEC_EXAMPLE, externalOrderId, ...(packageNos ? { responsibilityPackageNos: packageNos } : {}) });
}
