import {
  APPINTF_FAKE_ORDER_ID, type ShopexFakeOptions, AppintfFake, type AppintfFakeOptions, DUOBAOYU_FAKE_APP, DuobaoyuFake, GLITZCLOUD_FAKE_CREDENTIALS, GlitzcloudFake, SHOPEX_FAKE_TOKEN, ShopexFake,
  startFakeAppintf, startFakeDuobaoyu, startFakeGlitzcloud, startFakeShopex,
} from '../fakes';

/** All four fake platforms, and a config whose routes send one claim to each for the spec's example. */
export interface Fakes {
  glitzcloud: GlitzcloudFake;
  shopex: ShopexFake;
  duobaoyu: DuobaoyuFake;
  appintf: AppintfFake;
  close(): Promise<void>;
}

/** `shopex`, `appintf`: options of those fakes (e.g. a shorter 41 window). */
export async function startFakes(opts: { shopex?: ShopexFakeOptions; appintf?: AppintfFakeOptions } = {}): Promise<Fakes> {
  const [glitzcloud, shopex, duobaoyu, appintf] = await Promise.all([startFakeGlitzcloud(), startFakeShopex(opts.shopex), startFakeDuobaoyu(), startFakeAppintf(opts.appintf)]);
  return {
    glitzcloud, shopex, duobaoyu, appintf,
    close: async () => {
      await Promise.all([glitzcloud.close(), shopex.close(), duobaoyu.close(), appintf.close()]);
    },
  };
}

export type RouteName = 'glitzcloud-loss' | 'shopex-aftersale' | 'duobaoyu-refund' | 'appintf-refund';

/** Config with the four platforms on the fakes and one route per platform (all match the spec example). */
export function fakesConfig(fakes: Fakes, opts: { only?: RouteName[]; retrySchedule?: string[]; callbackUrl?: string } = {}) {
  const routes = [
    {
      name: 'glitzcloud-loss', platform: 'glitzcloud', when: { established: true, responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio',
      fields: { type: '1', connect_order_sn: '{logisticsOrderNo}', problem_description: '{judgeResult.judgeReason}' },
    },
    {
      name: 'shopex-aftersale', platform: 'shopex', when: { established: true },
      fields: { tid: '{externalOrderId}', title: '售后申请', content: '{judgeResult.judgeReason}', status: '1' },
    },
    {
      name: 'duobaoyu-refund', platform: 'duobaoyu', when: { established: true },
      fields: { orderItemId: '1595302620191391744', afterSaleType: '4', skuCode: '{claimInfo.goodsId}', reasonCode: '11060778541', reasonName: '包装损坏', refundFreightAmount: 0, remark: '{judgeResult.judgeReason}' },
    },
    {
      name: 'appintf-refund', platform: 'appintf', when: { established: true },
      fields: { orderId: String(APPINTF_FAKE_ORDER_ID), causeType: '1', cause: '{judgeResult.judgeReason}', proofs: 'https://img.example.com/a.jpg' },
    },
  ].filter((r) => !opts.only || opts.only.includes(r.name as RouteName));
  return {
    platforms: {
      glitzcloud: { baseUrl: fakes.glitzcloud.baseUrl, ...GLITZCLOUD_FAKE_CREDENTIALS, storeName: 'TWUSA01' },
      shopex: {
        baseUrl: fakes.shopex.baseUrl, certiId: '1437884333', fromNodeId: '1634343031', toNodeId: '1838303832', token: SHOPEX_FAKE_TOKEN,
        callbackUrl: opts.callbackUrl ?? 'http://127.0.0.1:9/callbacks/shopex',
      },
      duobaoyu: { baseUrl: fakes.duobaoyu.baseUrl, ...DUOBAOYU_FAKE_APP },
      appintf: { baseUrl: fakes.appintf.baseUrl, sessionId: fakes.appintf.sessionId },
    },
    routes,
    dispatch: { retrySchedule: opts.retrySchedule ?? ['1s', '1s', '1s'], requestTimeoutMs: 1000, leaseSeconds: 30 },
  };
}
