import { clusterSize } from '../../src/cluster/cluster-size';
import { processShare } from '../../src/cluster/process-share';
import { parseConfig } from '../../src/config/load';
import { withoutMetrics } from '../../src/metrics/cluster-metrics';
import { TEST_APP } from '../support/qimen-push';

const MYSQL = 'mysql://root@127.0.0.1:3306/x';
const MiB = 1024 * 1024;

describe('WEB_CONCURRENCY', () => {
  it('is one process when unset or 1', () => {
    expect(clusterSize({}, MYSQL, 8)).toEqual({ processes: 1, note: null });
    expect(clusterSize({ WEB_CONCURRENCY: '1' }, MYSQL, 8)).toEqual({ processes: 1, note: null });
  });

  it('is one process per core for auto or 0', () => {
    expect(clusterSize({ WEB_CONCURRENCY: 'auto' }, MYSQL, 6).processes).toBe(6);
    expect(clusterSize({ WEB_CONCURRENCY: '0' }, MYSQL, 3).processes).toBe(3);
  });

  it('is one process on SQLite, saying why', () => {
    const size = clusterSize({ WEB_CONCURRENCY: '4' }, 'sqlite:data/x.db', 8);
    expect(size.processes).toBe(1);
    expect(size.note).toMatch(/SQLite has one writer/);
  });

  it.each(['-1', '1.5', 'many', '257'])('refuses %s', (raw) => {
    expect(() => clusterSize({ WEB_CONCURRENCY: raw }, MYSQL, 2)).toThrow(/WEB_CONCURRENCY must be/);
  });
});

describe("one process's share of the limits", () => {
  const config = parseConfig({
    qimen: { apps: [TEST_APP], maxBodyBytes: 1_000_000, maxInFlightBodyBytes: 8_000_000 },
    rateLimits: { qimen: { perAppKeyPerSecond: 20, perIpPerSecond: 50 }, callbacks: { perIpPerSecond: 10 } },
    callbacks: { maxInFlightBodyBytes: 16 * MiB },
    finance: { maxInFlightBodyBytes: 512 * MiB },
  });

  it('divides the rate limits and the body budget among the processes', () => {
    const share = processShare(config, 4);
    expect(share.rateLimits.qimen).toEqual({ perAppKeyPerSecond: 5, perIpPerSecond: 12.5 });
    expect(share.rateLimits.callbacks).toEqual({ perIpPerSecond: 2.5 });
    expect(share.qimen.maxInFlightBodyBytes).toBe(2_000_000);
    expect(share.callbacks.maxInFlightBodyBytes).toBe(4 * MiB);
    expect(share.finance.maxInFlightBodyBytes).toBe(128 * MiB);
  });

  it('never leaves a process a body budget smaller than one largest body', () => {
    const share = processShare(config, 64);
    expect(share.qimen.maxInFlightBodyBytes).toBe(1_000_000);
    expect(share.callbacks.maxInFlightBodyBytes).toBe(1 * MiB); // the largest callback body
    expect(share.finance.maxInFlightBodyBytes).toBe(64 * MiB); // the largest finance API body
  });

  it('leaves one process its config unchanged', () => {
    expect(processShare(config, 1)).toBe(config);
  });
});

describe('summed cluster metrics', () => {
  it('drops the named metrics and keeps the rest', () => {
    const text = [
      '# HELP claim_relay_claims Claims.', '# TYPE claim_relay_claims gauge', 'claim_relay_claims{platform="a"} 2',
      '# HELP claim_relay_claims_total_x Other.', '# TYPE claim_relay_claims_total_x counter', 'claim_relay_claims_total_x 1', '',
    ].join('\n');
    expect(withoutMetrics(text, ['claim_relay_claims'])).toBe('# HELP claim_relay_claims_total_x Other.\n# TYPE claim_relay_claims_total_x counter\nclaim_relay_claims_total_x 1\n');
  });
});
