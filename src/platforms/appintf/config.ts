import { z } from 'zod';
import { secret, url } from '../../config/values';

/** The `platforms.appintf` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface AppintfConfig {
  /** The site root; the client calls `${baseUrl}/appIntf/refund/…`. */
  baseUrl: string;
  /** The `common_session_id` cookie of the logged-in account. */
  sessionId: string;
}

/** The config schema of the block (src/config/schema.ts takes it from the platform registry); an unknown key is an error. */
export const appintfConfigSchema: z.ZodType<AppintfConfig, z.ZodTypeDef, unknown> = z.object({ baseUrl: url, sessionId: secret }).strict();
