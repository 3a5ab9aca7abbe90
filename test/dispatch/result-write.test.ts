import { DataSource } from 'typeorm';
import { createDataSource, dataSourceOptions } from '../../ormconfig';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt, ClaimEvent } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { specExample } from '../support/qimen-push';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';
import { startTestService, TestService } from '../support/test-service';

/**
 * A platform took the claim, and writing that result fails: the worker keeps the result and writes it
 * again (src/dispatch/send-claim.ts writeResult) instead of leaving the claim to be sent again. Each test
 * breaks the write with a real fault while the platform is answering.
 */

/** Polls `done` every 20 ms for up to 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not within 10 s: ${what}`);
}

describe.each(TEST_DATABASES)('a claim result whose write fails on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let extra: Array<() => Promise<void>>;
  /** The worker's "result not stored yet; writing it again" warnings. */
  let rewrites: number;

  beforeEach(async () => {
    fakes = await startFakes();
    svc = await startTestService(kind, fakesConfig(fakes, { only: ['glitzcloud-loss'] }));
    extra = [];
    rewrites = 0;
  });
  afterEach(async () => {
    for (const close of extra.reverse()) await close();
    await svc.close();
    await fakes.close();
  });

  function workerOn(dataSource: DataSource): DispatchWorker {
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void (line.includes('writing it again') && rewrites++) } });
    return new DispatchWorker({ dataSource, config: svc.config, clients: createPlatformClients(svc.config), logger, now: () => new Date(Date.now() + 1000) });
  }

  /** Pushes a judgment, then runs one dispatch round whose platform answer takes 0.8 s (within the 1 s request timeout); `whileAnswering` runs once the request arrived. */
  async function sendWithFault(worker: DispatchWorker, whileAnswering: () => Promise<void>): Promise<void> {
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    expect((await svc.push(j)).json.error).toBe('200');
    fakes.glitzcloud.failNext(1, 'slow:800');
    const round = worker.runOnce();
    await until(() => fakes.glitzcloud.requests.length === 1, 'the platform request');
    await whileAnswering();
    expect(await round).toBe(1);
  }

  /** The claim is filed once, its result stored from the one request: no second send, no abandoned attempt. */
  async function expectStoredOnce(): Promise<void> {
    const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'glitzcloud-loss' });
    expect(claim).toMatchObject({ status: 'submitted', attempts: 1, leaseOwner: null, mayExistOnPlatform: false, platformClaimId: fakes.glitzcloud.orders[0].order_sn });
    const attempts = await svc.dataSource.getRepository(ClaimAttempt).findBy({ claimId: claim.id });
    expect(attempts.map((a) => a.outcome)).toEqual(['submitted']);
    const events = await svc.dataSource.getRepository(ClaimEvent).find({ where: { claimId: claim.id }, order: { id: 'ASC' } });
    expect(events.map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['null→pending', 'pending→submitted']);
    expect(fakes.glitzcloud.requests).toHaveLength(1);
    expect(rewrites).toBeGreaterThan(0);
  }

  if (kind === 'mysql') {
    it('writes the result again after the database connection was cut while the platform answered', async () => {
      const url = new URL(String((svc.dataSource.options as { url: string }).url));
      const proxy: TcpProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 3306) });
      extra.push(() => proxy.close());
      url.port = String(proxy.port);
      const proxied = await createDataSource(url.toString());
      await proxied.initialize();
      extra.push(() => proxied.destroy());

      await sendWithFault(workerOn(proxied), async () => {
        proxy.cut(); // every connection of the worker dropped, new ones refused, while the platform answers
        await until(() => rewrites > 0, 'a failed write');
        proxy.restore();
      });
      await expectStoredOnce();
    }, 30_000);

    it('writes the result again after it waited longer than innodb_lock_wait_timeout for a lock another connection held', async () => {
      const options = dataSourceOptions(String((svc.dataSource.options as { url: string }).url)) as Extract<ReturnType<typeof dataSourceOptions>, { type: 'mysql' | 'mariadb' }>;
      const impatient = await new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 1 } }).initialize();
      extra.push(() => impatient.destroy());
      await impatient.query('SET SESSION innodb_lock_wait_timeout = 1');
      const holder = svc.dataSource.createQueryRunner();
      extra.push(() => holder.release());

      await sendWithFault(workerOn(impatient), async () => {
        await holder.startTransaction();
        await holder.query('SELECT id FROM claim FOR UPDATE');
        await until(() => rewrites > 0, 'a failed write');
        await holder.rollbackTransaction();
      });
      await expectStoredOnce();
    }, 30_000);
  }

  if (kind === 'sqlite') {
    it('writes the result again after SQLite stayed busy longer than its busy timeout', async () => {
      // Another process's connection to the same file.
      const other = await createDataSource(`sqlite:${String(svc.dataSource.options.database)}`);
      await other.initialize();
      extra.push(() => other.destroy());

      await sendWithFault(workerOn(svc.dataSource), async () => {
        await other.query('BEGIN IMMEDIATE'); // its write transaction holds the database
        await until(() => rewrites > 0, 'a failed write');
        await other.query('ROLLBACK');
      });
      await expectStoredOnce();
    }, 30_000);
  }
});
