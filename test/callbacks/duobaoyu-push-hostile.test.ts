import { CallbackInbox } from '../../src/entities';
import { signDuobaoyuPush } from '../../src/platforms/duobaoyu/push';
import { TEST_DATABASES } from '../support/databases';
import { capturedLogger } from '../support/captured-log';
import { startTestService, TestService } from '../support/test-service';

/** A log line may hold an error's summary and a body's size, hash and first bytes: well under this. */
const MAX_LOG_LINE = 2048;

describe.each(TEST_DATABASES)('POST /callbacks/duobaoyu against malformed and oversized bodies on %s', (kind) => {
  let svc: TestService;
  let lines: string[];
  beforeEach(async () => {
    const log = capturedLogger();
    lines = log.lines;
    const duobaoyu = { baseUrl: 'http://127.0.0.1:9/open/api', appKey: 'APP', appSecret: 'duobaoyu-secret-0123456789' };
    svc = await startTestService(kind, { platforms: { duobaoyu } }, { logger: log.logger });
  });
  afterEach(() => svc.close());

  const post = (body: string) => fetch(`${svc.baseUrl}/callbacks/duobaoyu`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers a body that is not JSON 400 FAIL (not 500), stores nothing and logs no part of it', async () => {
    const res = await post(`{"id":"1","note":"${'q'.repeat(500_000)}"`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('FAIL');
    expect(await svc.dataSource.getRepository(CallbackInbox).count()).toBe(0);
    expect(lines.some((l) => JSON.parse(l).msg === 'callback refused')).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('answers pushes nested deeper than json_decode reads FAIL with 200 (not 500: their sign is never computed), storing nothing', async () => {
    // Depths around where a recursive reading would run out of stack under the server's own frames.
    for (const depth of [2_000, 3_000, 3_500, 4_000, 5_000]) {
      for (const nested of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)]) {
        const res = await post(`{"id":"1","afterSaleOrderId":"2","afterSaleStatus":"审核通过","x":${nested},"sign":"C8DC45D3E320156D4476A1EEFAEF2C58"}`);
        expect({ depth, nested: nested[0], status: res.status, text: await res.text() }).toEqual({ depth, nested: nested[0], status: 200, text: 'FAIL' });
      }
    }
    expect(await svc.dataSource.getRepository(CallbackInbox).count()).toBe(0);
  });

  it('stores a signed push holding __proto__ and constructor keys, as data reaching no prototype', async () => {
    const unsigned = '{"id":"PROTO_1","afterSaleOrderId":"2","afterSaleStatus":"审核通过","__proto__":{"polluted":true},"extra":{"constructor":{"prototype":{"polluted":true}}}}';
    const res = await post(`${unsigned.slice(0, -1)},"sign":"${signDuobaoyuPush(unsigned, svc.config.platforms.duobaoyu!.appSecret)}"}`);
    expect(await res.text()).toBe('SUCCESS');
    const [row] = await svc.dataSource.getRepository(CallbackInbox).find();
    expect(JSON.parse(row.payload)).toEqual(JSON.parse(unsigned));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a body over 1 MB 413 FAIL, stores nothing and logs no part of it', async () => {
    const res = await post(JSON.stringify({ id: '1', note: 'r'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('FAIL');
    expect(await svc.dataSource.getRepository(CallbackInbox).count()).toBe(0);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOG_LINE);
  });
});
