/**
 * The sandbox of `npm run fakes` (docs/sandbox.md): the four fake platforms on fixed loopback ports, each
 * acting on its own as its platform does, and a complete config that points the service at them.
 *
 * How each platform moves a claim on by itself here:
 * - Glitzcloud has no status push or query in its spec: its add answer is the only word the service gets.
 *   The sandbox's warehouse answers status 2 已处理 / customer_status 1 待审核 at once (→ `accepted`).
 * - ShopEx answers `running` and, SHOPEX_CALLBACK.delayMs later, posts the signed result to the claim's
 *   `callback_url` (trade status 3 接受申请 → `accepted`), repeating until the service answers `succ`.
 * - Duobaoyu answers 待审核 and then pushes, signed, 审核通过 (→ `accepted`) and later 已完成 (→ `completed`)
 *   to the service's `/callbacks/duobaoyu`.
 * - appintf files a refund as status 1 and moves it to 2 (→ `accepted`) and then 3 (→ `completed`); the
 *   service sees it by polling getRefund.jsp. Every positive order id belongs to the sandbox's account.
 */
import { DEVELOPMENT_CONFIG } from '../../src/config/development';
import type { Fakes } from '../support/platform-fakes';
import { fakesConfig } from '../support/platform-fakes';
import { startFakeAppintf } from './appintf-fake';
import { startFakeDuobaoyu } from './duobaoyu-fake';
import { assertLoopback } from './fake-server';
import { startFakeGlitzcloud } from './glitzcloud-fake';
import { startFakeShopex } from './shopex-fake';

export type SandboxPlatform = 'glitzcloud' | 'shopex' | 'duobaoyu' | 'appintf';
export const SANDBOX_PLATFORMS: readonly SandboxPlatform[] = ['glitzcloud', 'shopex', 'duobaoyu', 'appintf'];
export type SandboxPorts = Record<SandboxPlatform, number>;

/** Default ports: 3101–3104, in the order of SANDBOX_PLATFORMS. */
export const SANDBOX_BASE_PORT = 3101;
export const portsFrom = (base: number): SandboxPorts =>
  Object.fromEntries(SANDBOX_PLATFORMS.map((platform, i) => [platform, base + i])) as SandboxPorts;

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:3000';

const SHOPEX_CALLBACK = { delayMs: 2000, retryMs: 10_000, maxTries: 10 };
const SHOPEX_ACCEPTED = '3';
const DUOBAOYU_STEPS = [{ afterMs: 3000, state: '审核通过' }, { afterMs: 30_000, state: '已完成' }];
const APPINTF_PROGRESSION = { everyMs: 5000, statuses: ['2', '3'] };
const GLITZCLOUD_HANDLED = { status: '2', customerStatus: '1' };

/**
 * Starts the four fakes one after the other on `ports` (a taken port rejects with the fake's
 * PortTakenError, after closing those already started). `serviceUrl` is where ShopEx calls back and
 * Duobaoyu pushes: loopback only.
 */
export async function startSandbox(ports: SandboxPorts, serviceUrl: string): Promise<Fakes> {
  assertLoopback(serviceUrl);
  const base = serviceUrl.replace(/\/+$/, '');
  const started: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(fake: Promise<T>): Promise<T> => {
    const running = await fake;
    started.push(running);
    return running;
  };
  try {
    const glitzcloud = await track(startFakeGlitzcloud({ port: ports.glitzcloud, answerStatus: GLITZCLOUD_HANDLED }));
    const shopex = await track(startFakeShopex({ port: ports.shopex, autoCallback: SHOPEX_CALLBACK }));
    shopex.setTradeStatus(SHOPEX_ACCEPTED);
    const duobaoyu = await track(startFakeDuobaoyu({ port: ports.duobaoyu, pushUrl: `${base}/callbacks/duobaoyu`, autoPush: { steps: DUOBAOYU_STEPS } }));
    const appintf = await track(startFakeAppintf({ port: ports.appintf, orders: 'any', progression: APPINTF_PROGRESSION }));
    return {
      glitzcloud, shopex, duobaoyu, appintf,
      close: async () => {
        await Promise.all(started.map((fake) => fake.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((fake) => fake.close()));
    throw err;
  }
}

/** What a claim is worth telling the platform: the judgment in words, in the platforms' language. */
const JUDGMENT_TEXT = '菜鸟判责 {bizType},订单 {externalOrderId}。{judgeResult.judgeReason}';

/**
 * One route per platform, each matching the README's example push (an established judgment). Order and
 * trade ids come from the push: `{externalOrderId|digits}` where the platform wants a number. Values the
 * push does not carry (Duobaoyu's SKU and reason, appintf's proof photo, the causes) are the kind a
 * merchant fixes per route. A real config sends a judgment to one platform, not four: the sandbox does,
 * to show each one.
 */
export const SANDBOX_ROUTES = [
  {
    name: 'glitzcloud-warehouse', platform: 'glitzcloud', when: { established: true, responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio',
    // type 6 其他 (an expiry problem is none of types 1–5); connect_order_sn is needed only by type 2.
    fields: { type: '6', connect_order_sn: '{logisticsOrderNo}', problem_description: JUDGMENT_TEXT },
  },
  {
    name: 'shopex-aftersale', platform: 'shopex', when: { established: true },
    fields: { tid: '{externalOrderId|digits}', title: '菜鸟判责售后申请', content: JUDGMENT_TEXT, status: '1' },
  },
  {
    name: 'duobaoyu-refund', platform: 'duobaoyu', when: { established: true },
    // afterSaleType 4 仅退款: no goods go back, so neither skuNum nor pickUpWare; reason as the spec's example.
    fields: {
      orderItemId: '{externalOrderId|digits}', afterSaleType: '4', skuCode: '50106182257', reasonCode: '11060778541', reasonName: '包装损坏',
      refundFreightAmount: 0, remark: '菜鸟判责 {bizType},订单 {externalOrderId}',
    },
  },
  {
    name: 'appintf-refund', platform: 'appintf', when: { established: true },
    fields: { orderId: '{externalOrderId|digits}', causeType: '1', cause: JUDGMENT_TEXT, proofs: 'https://img.example.com/claim-proof.jpg' },
  },
] as const;

export interface SandboxTokens {
  viewer: string;
  operator: string;
}

/**
 * The complete config for the service against the sandbox: the development config's Qimen test app (the
 * README's push is signed with it), the four platforms, the routes, short retries and polls, and a viewer
 * and an operator finance token.
 */
export function sandboxConfig(fakes: Fakes, serviceUrl: string, tokens: SandboxTokens) {
  const { platforms } = fakesConfig(fakes, { callbackUrl: `${serviceUrl.replace(/\/+$/, '')}/callbacks/shopex` });
  return {
    qimen: { apps: DEVELOPMENT_CONFIG.qimen.apps },
    platforms,
    routes: SANDBOX_ROUTES,
    dispatch: { retrySchedule: ['5s', '30s', '2m', '10m'], requestTimeoutMs: 5000, leaseSeconds: 30, pollInitial: '5s', pollMax: '1m' },
    finance: {
      tokens: [
        { name: 'sandbox-viewer', token: tokens.viewer, role: 'viewer' },
        { name: 'sandbox-operator', token: tokens.operator, role: 'operator' },
      ],
    },
  };
}
