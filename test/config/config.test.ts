import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load';

const minimal = { qimen: { apps: [{ appKey: 'k', secret: 's' }] } };

function errorOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('fills every default around qimen.apps', () => {
    const c = parseConfig(minimal);
    expect(c.qimen.timestampWindowSeconds).toBe(600);
    expect(c.dispatch.retrySchedule).toEqual(['5s', '5m', '30m', '2h', '5h', '10h', '10h']);
    expect(c.dispatch.requestTimeoutMs).toBe(15000);
    expect(c.routes).toEqual([]);
    expect(c.finance.tokens).toEqual([]);
  });

  it('bounds the bodies in flight at 64 MiB by default, and refuses a bound smaller than the largest body', () => {
    expect(parseConfig(minimal).qimen.maxInFlightBodyBytes).toBe(64 * 1024 * 1024);
    expect(errorOf({ qimen: { ...minimal.qimen, maxBodyBytes: 2048, maxInFlightBodyBytes: 1024 } })).toBe(
      'config error: qimen.maxInFlightBodyBytes: must be at least qimen.maxBodyBytes (else the largest push could never be read)',
    );
  });

  it('bounds the callback bodies in flight at 16 MiB by default, and refuses a bound smaller than the largest callback (1 MiB)', () => {
    expect(parseConfig(minimal).callbacks.maxInFlightBodyBytes).toBe(16 * 1024 * 1024);
    expect(parseConfig({ ...minimal, callbacks: { maxInFlightBodyBytes: 1024 * 1024 } }).callbacks.maxInFlightBodyBytes).toBe(1024 * 1024);
    expect(errorOf({ ...minimal, callbacks: { maxInFlightBodyBytes: 1000 } })).toMatch(/^config error: callbacks\.maxInFlightBodyBytes: must be at least 1048576/);
  });

  it('bounds the finance API bodies in flight at 128 MiB by default', () => {
    expect(parseConfig(minimal).finance.maxInFlightBodyBytes).toBe(128 * 1024 * 1024);
    expect(errorOf({ ...minimal, finance: { maxInFlightBodyBytes: 0 } })).toMatch(/^config error: finance\.maxInFlightBodyBytes/);
  });

  it('requires qimen.apps', () => {
    expect(errorOf({})).toBe('config error: qimen: Required');
  });

  it('names an unknown key with its full path', () => {
    expect(errorOf({ ...minimal, dispatch: { retrySchedul: [] } })).toBe('config error: dispatch.retrySchedul: unknown key');
  });

  it('names a wrongly typed key', () => {
    expect(errorOf({ qimen: { ...minimal.qimen, timestampWindowSeconds: 'ten' } })).toMatch(/^config error: qimen\.timestampWindowSeconds: /);
  });

  it('rejects a route that names an absent platform', () => {
    const raw = { ...minimal, routes: [{ name: 'r', platform: 'glitzcloud' }] };
    expect(errorOf(raw)).toBe('config error: routes.0.platform: names platform "glitzcloud", which is not configured');
  });

  it('reads an env: secret from the environment', () => {
    process.env.TEST_QIMEN_SECRET = 'from-env';
    const c = parseConfig({ qimen: { apps: [{ appKey: 'k', secret: 'env:TEST_QIMEN_SECRET' }] } });
    expect(c.qimen.apps[0].secret).toBe('from-env');
    delete process.env.TEST_QIMEN_SECRET;
  });

  it('names the key whose env: secret is not set, without a value', () => {
    expect(errorOf({ qimen: { apps: [{ appKey: 'k', secret: 'env:NOPE_NOT_SET' }] } })).toBe(
      'config error: qimen.apps.0.secret: environment variable NOPE_NOT_SET is not set',
    );
  });

  it('rejects a malformed retry duration', () => {
    expect(errorOf({ ...minimal, dispatch: { retrySchedule: ['5 minutes'] } })).toMatch(/^config error: dispatch\.retrySchedule\.0: /);
  });

  it('uses the development config when no file is given or present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(loadConfig({}, dir).source).toBe('development');
  });

  it('reads ./claim-relay.config.json when present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'claim-relay.config.json'), JSON.stringify(minimal));
    const loaded = loadConfig({}, dir);
    expect(loaded.source).toBe(join(dir, 'claim-relay.config.json'));
    expect(loaded.config.qimen.apps[0].appKey).toBe('k');
  });

  it('fails with one line when CLAIM_RELAY_CONFIG names a missing file', () => {
    expect(() => loadConfig({ CLAIM_RELAY_CONFIG: '/nonexistent/c.json' })).toThrow('config error: cannot read /nonexistent/c.json: ENOENT');
  });
});
