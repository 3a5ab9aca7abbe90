import type { Config } from '../config/schema';
import { AppintfClient } from '../platforms/appintf';
import { DuobaoyuClient } from '../platforms/duobaoyu';
import { GlitzcloudClient } from '../platforms/glitzcloud';
import type { DuplicateAwareClient } from '../platforms/shared/lookup';
import { ShopexClient } from '../platforms/shopex';
import type { PlatformName } from '../platforms/types';

/** One client per configured platform, sharing the dispatch request timeout. */
export function createPlatformClients(config: Config): Map<PlatformName, DuplicateAwareClient> {
  const options = { requestTimeoutMs: config.dispatch.requestTimeoutMs };
  const p = config.platforms;
  const clients = new Map<PlatformName, DuplicateAwareClient>();
  if (p.glitzcloud) clients.set('glitzcloud', new GlitzcloudClient(p.glitzcloud, options));
  if (p.shopex) clients.set('shopex', new ShopexClient(p.shopex, options));
  if (p.duobaoyu) clients.set('duobaoyu', new DuobaoyuClient(p.duobaoyu, options));
  if (p.appintf) clients.set('appintf', new AppintfClient(p.appintf, options));
  return clients;
}
