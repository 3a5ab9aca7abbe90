import { z } from 'zod';
import { secret, url } from '../../config/values';

/** The `platforms.shopex` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface ShopexConfig {
  /** The full matrix endpoint posted to (no path is appended). */
  baseUrl: string;
  /** `certi_id`: the certificate id assigned to the app. */
  certiId: string;
  /** `from_node_id`: our node (the app key). */
  fromNodeId: string;
  /** `to_node_id`: the shop's node. */
  toNodeId: string;
  /** The node token that signs requests and callbacks. Never sent. */
  token: string;
  /** `callback_url`: where the matrix posts the async result (our `POST /callbacks/shopex`). */
  callbackUrl: string;
}

/** The config schema of the block (src/config/schema.ts takes it from the platform registry); an unknown key is an error. */
export const shopexConfigSchema: z.ZodType<ShopexConfig, z.ZodTypeDef, unknown> = z
  .object({
    baseUrl: url, certiId: z.string().min(1), fromNodeId: z.string().min(1), toNodeId: z.string().min(1),
    token: secret, callbackUrl: url,
  })
  .strict();
