import { z } from 'zod';
import { secret, url } from '../../config/values';

/** The `platforms.glitzcloud` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface GlitzcloudConfig {
  /** e.g. `https://ssl.glitzcloud.com/agent/v1`; the client posts to `${baseUrl}/orders/saleAfter/add`. */
  baseUrl: string;
  apikey: string;
  secretkey: string;
  /** `store_name`: the warehouse the claim is filed against. */
  storeName: string;
}

/** The config schema of the block (src/config/schema.ts takes it from the platform registry); an unknown key is an error. */
export const glitzcloudConfigSchema: z.ZodType<GlitzcloudConfig, z.ZodTypeDef, unknown> = z.object({ baseUrl: url, apikey: secret, secretkey: secret, storeName: z.string().min(1) }).strict();
