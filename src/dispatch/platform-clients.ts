import type { Config } from '../config/schema';
import { createPlatformClientsFor, type PlatformName } from '../platforms';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';

/** One client per configured platform (the platform registry makes each), sharing the dispatch request timeout. */
export function createPlatformClients(config: Config): Map<PlatformName, DuplicateAwareClient> {
  return createPlatformClientsFor(config.platforms, { requestTimeoutMs: config.dispatch.requestTimeoutMs });
}
