/**
 * The platform registry (src/platforms/index.ts) is the one list of platforms: the config schema, the
 * clients, the status tables, polling, cancel, callbacks, metrics, the finance API's filters and the page
 * all take it from there.
 */
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { PLATFORMS as API_PLATFORMS } from '../../src/api/judgment-filter';
import { OPENAPI_DOCUMENT } from '../../src/api/openapi';
import { mapPlatformStatus, POLLED_PLATFORMS } from '../../src/claims/platform-statuses';
import { parseConfig } from '../../src/config/load';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { CALLBACK_PLATFORMS, PLATFORM_LABELS } from '../../src/metrics/registry';
import { CALLBACK_PLATFORM_NAMES, PLATFORM_NAMES, PLATFORM_REGISTRY, platformEntry } from '../../src/platforms';
import { AppintfClient } from '../../src/platforms/appintf';
import { GlitzcloudClient } from '../../src/platforms/glitzcloud';
import { financePageRoutes } from '../../src/web/finance-page';

const ALL_PLATFORMS = {
  glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'S' },
  shopex: { baseUrl: 'http://127.0.0.1:9/api', certiId: 'C', fromNodeId: 'F', toNodeId: 'T', token: 't', callbackUrl: 'http://127.0.0.1:9/callbacks/shopex' },
  duobaoyu: { baseUrl: 'http://127.0.0.1:9', appKey: 'A', appSecret: 's' },
  appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'sid' },
};
const minimal = { qimen: { apps: [{ appKey: 'k', secret: 's' }] } };

describe('the platform registry', () => {
  it('has one entry per platform name, and nothing else', () => {
    expect(Object.keys(PLATFORM_REGISTRY).sort()).toEqual([...PLATFORM_NAMES].sort());
    expect(platformEntry('nope')).toBeUndefined();
    expect(platformEntry('constructor')).toBeUndefined();
  });

  it('gives the config schema one optional, strict block per platform', () => {
    expect(parseConfig({ ...minimal, platforms: ALL_PLATFORMS }).platforms).toEqual(ALL_PLATFORMS);
    expect(parseConfig(minimal).platforms).toEqual({});
    expect(() => parseConfig({ ...minimal, platforms: { glitzcloud: { ...ALL_PLATFORMS.glitzcloud, storename: 'x' } } })).toThrow(/platforms\.glitzcloud\.storename: unknown key/);
    expect(() => parseConfig({ ...minimal, platforms: { other: {} } })).toThrow(/platforms\.other: unknown key/);
  });

  it('makes one client per configured platform', async () => {
    const clients = createPlatformClients(parseConfig({ ...minimal, platforms: { glitzcloud: ALL_PLATFORMS.glitzcloud, appintf: ALL_PLATFORMS.appintf } }));
    expect([...clients.keys()]).toEqual(['glitzcloud', 'appintf']);
    expect(clients.get('glitzcloud')).toBeInstanceOf(GlitzcloudClient);
    expect(clients.get('appintf')).toBeInstanceOf(AppintfClient);
    await Promise.all([...clients.values()].map((c) => c.close()));
  });

  it('maps each platform\'s status through its own table', () => {
    expect(mapPlatformStatus('shopex', '9')).toBe(PLATFORM_REGISTRY.shopex.claimStatus('9'));
    expect(mapPlatformStatus('appintf', '2')).toBe(PLATFORM_REGISTRY.appintf.claimStatus('2'));
    expect(mapPlatformStatus('unknown', '1')).toBeNull();
    expect(mapPlatformStatus('shopex', null)).toBeNull();
  });

  it('polls appintf only, and lets appintf alone cancel on the platform', () => {
    expect([...POLLED_PLATFORMS]).toEqual(['appintf']);
    expect(PLATFORM_NAMES.filter((name) => platformEntry(name)?.cancel)).toEqual(['appintf']);
  });

  it('names the callback platforms and routes for metrics and the app', () => {
    expect(CALLBACK_PLATFORM_NAMES).toEqual(['shopex', 'duobaoyu']);
    expect(CALLBACK_PLATFORMS).toEqual(CALLBACK_PLATFORM_NAMES);
    expect(CALLBACK_PLATFORM_NAMES.map((name) => PLATFORM_REGISTRY[name].callback.path)).toEqual(['/callbacks/shopex', '/callbacks/duobaoyu']);
    for (const name of CALLBACK_PLATFORM_NAMES) expect(Object.keys(OPENAPI_DOCUMENT.paths)).toContain(PLATFORM_REGISTRY[name].callback.path);
  });

  it('feeds the metrics labels and the finance API\'s platform filter', () => {
    expect(PLATFORM_LABELS).toEqual([...PLATFORM_NAMES, 'other']);
    expect(API_PLATFORMS).toEqual(PLATFORM_NAMES);
  });

  it('feeds the page\'s platform list', async () => {
    const app = new Koa().use(financePageRoutes().routes());
    const server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const js = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/finance/assets/finance.js`)).text();
      expect(js).toContain(`const PLATFORMS = ${JSON.stringify(PLATFORM_NAMES)};`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
