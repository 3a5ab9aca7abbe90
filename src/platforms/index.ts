import type { CancelStep } from '../claims/claim-reasons';
import type { z } from 'zod';
import { readShopexCallback } from '../callbacks/shopex-callback-shape';
import type { Claim } from '../entities';
import { AppintfClient, appintfClaimStatus, appintfConfigSchema } from './appintf';
import { DuobaoyuClient, duobaoyuClaimStatus, duobaoyuConfigSchema } from './duobaoyu';
import { readDuobaoyuPush } from './duobaoyu/push';
import { GlitzcloudClient, glitzcloudClaimStatusOf, glitzcloudConfigSchema } from './glitzcloud';
import { ShopexClient, shopexClaimStatus, shopexConfigSchema } from './shopex';
import type { MappedClaimStatus } from './shared/claim-status';
import type { DuplicateAwareClient, LookupContext } from './shared/lookup';
import { type OutgoingClaim, PLATFORM_NAMES, type PlatformName } from './types';

export { PLATFORM_NAMES, type PlatformName };

/**
 * The platform registry: everything the service knows of each platform, in one entry per platform — its
 * config block, how to make its client, its status table, how its status reaches us (the add answer, a
 * callback, a status look-up), its cancel and its callback. The config schema, dispatch, polling, the
 * operator's cancel, metrics, the finance API's filters and the page all read it, so a platform is added
 * (or its behaviour changed) here and in its folder, nowhere else. The names are `PLATFORM_NAMES`
 * (src/platforms/types.ts); the registry must have an entry for each (a compile error otherwise).
 */
export interface PlatformEntry<C> {
  /** The schema of the config block `platforms.<name>` (strict; secrets may be "env:NAME"). */
  configSchema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** The client dispatch sends claims with (one per configured platform). */
  createClient(config: C, options: PlatformClientOptions): DuplicateAwareClient;
  /** The status table: the platform's own status text → our claim status, null when unknown. */
  claimStatus(platformStatus: string): MappedClaimStatus | null;
  /**
   * How a claim's status reaches us after it was filed: only in the add answer, in a callback the
   * platform posts, or by polling a status look-up.
   */
  statusSource: 'answer' | 'callback' | 'poll';
  /** The status look-up that polling calls ('poll' platforms); null when the platform knows no record yet. */
  lookUpStatus?(client: DuplicateAwareClient, claim: Claim, outgoing: OutgoingClaim, lookup: LookupContext): Promise<PlatformObservation | null>;
  /** Cancels a claim the platform holds, where the platform has a cancel API. */
  cancel?(client: DuplicateAwareClient | undefined, claim: Claim): Promise<PlatformCancel>;
  /** The route the platform posts its callbacks to, and the reader of a verified callback's fields. */
  callback?: { path: string; read: (fields: never) => unknown };
}

export interface PlatformClientOptions {
  requestTimeoutMs: number;
}

/** What a status look-up finds: the platform's own id of the claim (found if it was missing) and its status text. */
export interface PlatformObservation {
  platformClaimId: string;
  platformStatus: string;
}

/** A cancel's result: what was done on the platform (for the operator's event), or the platform's refusal. */
export type PlatformCancel = { ok: true; step: CancelStep } | { ok: false; code: string; message: string };

/** The `orderId` field of a claim's resolved fields (appintf's key of a refund). */
const orderIdOf = (claim: Claim) => String((JSON.parse(claim.fields) as Record<string, unknown>).orderId ?? '');

/** An entry's config schema, and its client factory: the client class made with the block and the options. */
function withClient<C>(configSchema: z.ZodType<C, z.ZodTypeDef, unknown>, Client: new (config: C, options: PlatformClientOptions) => DuplicateAwareClient) {
  return { configSchema, createClient: (config: C, options: PlatformClientOptions) => new Client(config, options) };
}

export const PLATFORM_REGISTRY = {
  glitzcloud: {
    ...withClient(glitzcloudConfigSchema, GlitzcloudClient),
    // Neither a push nor a look-up in its spec: the add answer's status is all we get.
    claimStatus: glitzcloudClaimStatusOf,
    statusSource: 'answer',
  },
  shopex: {
    ...withClient(shopexConfigSchema, ShopexClient),
    claimStatus: shopexClaimStatus,
    statusSource: 'callback',
    callback: { path: '/callbacks/shopex', read: readShopexCallback },
  },
  duobaoyu: {
    ...withClient(duobaoyuConfigSchema, DuobaoyuClient),
    claimStatus: duobaoyuClaimStatus,
    statusSource: 'callback',
    callback: { path: '/callbacks/duobaoyu', read: readDuobaoyuPush },
  },
  appintf: {
    ...withClient(appintfConfigSchema, AppintfClient),
    claimStatus: appintfClaimStatus,
    statusSource: 'poll',
    /**
     * getRefund.jsp gives a refund's status. A claim whose refundId is not known yet looks for its own refund
     * first (the client's look-up: never one another claim holds; never a submit).
     */
    async lookUpStatus(client, claim, outgoing, lookup) {
      if (!(client instanceof AppintfClient)) return null;
      const refundId = claim.platformClaimId ?? (await client.lookupExisting(outgoing, lookup));
      if (!refundId) return null;
      const refund = await client.getRefund(orderIdOf(claim), refundId);
      return { platformClaimId: refundId, platformStatus: refund.refundStatus };
    },
    /**
     * Its spec lists the cancel under refundList.jsp, POST with orderId + refundId — an odd URL for a cancel,
     * followed as written.
     */
    async cancel(client, claim) {
      if (!(client instanceof AppintfClient)) return { ok: false, code: 'platform-unavailable', message: 'the appintf client is not configured' };
      if (!claim.platformClaimId) return { ok: false, code: 'no-refund-id', message: 'appintf has not told us the refundId yet; try again after the next poll' };
      const { outcome } = await client.cancelRefund(orderIdOf(claim), claim.platformClaimId);
      if (outcome.kind === 'submitted') return { ok: true, step: { kind: 'on-platform', platform: 'appintf', platformClaimId: claim.platformClaimId } };
      return { ok: false, code: outcome.code, message: outcome.message };
    },
  },
} satisfies { [K in PlatformName]: PlatformEntry<ConfigOf<K>> };

/** The config block of each platform, as its client takes it. */
interface PlatformConfigs {
  glitzcloud: z.output<typeof glitzcloudConfigSchema>;
  shopex: z.output<typeof shopexConfigSchema>;
  duobaoyu: z.output<typeof duobaoyuConfigSchema>;
  appintf: z.output<typeof appintfConfigSchema>;
}
type ConfigOf<K extends PlatformName> = PlatformConfigs[K];

/** What a platform named in stored data (a claim's `platform`) does, whatever its config. */
export type PlatformBehaviour = Omit<PlatformEntry<unknown>, 'configSchema' | 'createClient'>;

/** The registry entry of a platform named in stored data or a request, or undefined for no known platform. */
export function platformEntry(name: string): PlatformBehaviour | undefined {
  return Object.hasOwn(PLATFORM_REGISTRY, name) ? PLATFORM_REGISTRY[name as PlatformName] : undefined;
}

/** The `platforms` block of the config schema: each platform's own block, each optional. */
export function platformConfigShape(): { [K in PlatformName]: z.ZodOptional<(typeof PLATFORM_REGISTRY)[K]['configSchema']> } {
  return Object.fromEntries(PLATFORM_NAMES.map((name) => [name, PLATFORM_REGISTRY[name].configSchema.optional()])) as never;
}

/** One client per configured platform. */
export function createPlatformClientsFor(configs: Partial<PlatformConfigs>, options: PlatformClientOptions): Map<PlatformName, DuplicateAwareClient> {
  const clients = new Map<PlatformName, DuplicateAwareClient>();
  for (const name of PLATFORM_NAMES) {
    const config = configs[name];
    if (config) clients.set(name, (PLATFORM_REGISTRY[name] as PlatformEntry<typeof config>).createClient(config, options));
  }
  return clients;
}

/** The platforms that post their status to a callback route of ours. */
export type CallbackPlatformName = { [K in PlatformName]: (typeof PLATFORM_REGISTRY)[K] extends { callback: object } ? K : never }[PlatformName];
export const CALLBACK_PLATFORM_NAMES = PLATFORM_NAMES.filter((name): name is CallbackPlatformName => 'callback' in PLATFORM_REGISTRY[name]);

/** The platforms whose claims are polled for their status (no push in their spec). */
export const POLLED_PLATFORM_NAMES: ReadonlySet<string> = new Set(PLATFORM_NAMES.filter((name) => PLATFORM_REGISTRY[name].statusSource === 'poll'));
