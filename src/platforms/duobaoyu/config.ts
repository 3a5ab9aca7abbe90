import { z } from 'zod';
import { secret, url } from '../../config/values';

/** The `platforms.duobaoyu` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface DuobaoyuConfig {
  /** The gateway, e.g. `https://openapi.duobaoyu.com.cn/open/api`; the system params go in its query. */
  baseUrl: string;
  appKey: string;
  /** Signs requests (see src/verify/duobaoyu-sign.ts). Never sent. */
  appSecret: string;
}

/** The config schema of the block (src/config/schema.ts takes it from the platform registry); an unknown key is an error. */
export const duobaoyuConfigSchema: z.ZodType<DuobaoyuConfig, z.ZodTypeDef, unknown> = z.object({ baseUrl: url, appKey: z.string().min(1), appSecret: secret }).strict();
