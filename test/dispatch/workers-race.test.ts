import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const CLAIMS = 200;

/** SKIP LOCKED is what lets several workers share one database; SQLite runs one worker, so MariaDB only. */
const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

onMysql('two workers on MariaDB racing over 200 due claims', () => {
  let fakes: Fakes;
  let svc: TestService;
  const extra: DataSource[] = [];

  beforeAll(async () => {
    fakes = await startFakes();
    svc = await startTestService('mysql', fakesConfig(fakes, { only: ['glitzcloud-loss'] }));
    for (let i = 0; i < CLAIMS; i++) {
      const j = specExample();
      Object.assign(j, { externalOrderId: `RACE-${i}`, logisticsOrderNo: `LOGI-RACE-${i}` });
      j.judgeResult.claimAmount = 10 + i;
      await svc.push(j);
    }
  }, 120_000);
  afterAll(async () => {
    for (const ds of extra) await ds.destroy();
    await svc.close();
    await fakes.close();
  });

  it('sends each claim exactly once', async () => {
    expect(await svc.dataSource.getRepository(Claim).countBy({ status: 'pending' })).toBe(CLAIMS);
    const url = (svc.dataSource.options as { url: string }).url;
    const workers = await Promise.all(
      [1, 2].map(async () => {
        const ds = await createDataSource(url);
        await ds.initialize();
        extra.push(ds);
        return new DispatchWorker({ dataSource: ds, config: svc.config, clients: createPlatformClients(svc.config), logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), batchSize: 8 });
      }),
    );
    const sentBy = await Promise.all(
      workers.map(async (w) => {
        let total = 0;
        for (let round = 0; round < 200; round++) {
          const n = await w.runOnce();
          total += n;
          if (n === 0 && (await svc.dataSource.getRepository(Claim).countBy({ status: 'pending' })) === 0) break;
        }
        return total;
      }),
    );

    expect(sentBy[0] + sentBy[1]).toBe(CLAIMS);
    expect(sentBy.every((n) => n > 0)).toBe(true); // both took part
    expect(fakes.glitzcloud.requests).toHaveLength(CLAIMS);
    const sns = fakes.glitzcloud.requests.map((r) => (r.body as { connect_order_sn: string }).connect_order_sn);
    expect(new Set(sns).size).toBe(CLAIMS);
    expect(await svc.dataSource.getRepository(Claim).countBy({ status: 'submitted' })).toBe(CLAIMS);
    expect(await svc.dataSource.getRepository(ClaimAttempt).count()).toBe(CLAIMS);
  }, 120_000);
});
