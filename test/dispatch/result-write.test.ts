import { DataSource } from 'typeorm';
import { createDataSource, dataSourceOptions } from '../../ormconfig';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt, ClaimEvent } from '../../src/entities';
import { leaseDueClaims } from '../../src/storage/claims/claim-leases';
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

  /** A worker on `dataSource` whose clock runs ahead of the claims' due times, with the service's lease or `leaseSeconds`. */
  function workerOn(dataSource: DataSource, opts: { now?: () => Date; leaseSeconds?: number } = {}): DispatchWorker {
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void (line.includes('writing it again') && rewrites++) } });
    const config = { ...svc.config, dispatch: { ...svc.config.dispatch, leaseSeconds: opts.leaseSeconds ?? svc.config.dispatch.leaseSeconds } };
    return new DispatchWorker({ dataSource, config, clients: createPlatformClients(config), logger, now: opts.now ?? (() => new Date(Date.now() + 1000)) });
  }

  /** A one-connection pool to the service's MariaDB database (TypeORM's driver of the same flavour) that waits at most 1 s for a row lock. */
  async function impatientDataSource(): Promise<DataSource> {
    const options = dataSourceOptions(String((svc.dataSource.options as { url: string }).url), svc.dataSource.options.type as 'mysql' | 'mariadb') as Extract<ReturnType<typeof dataSourceOptions>, { type: 'mysql' | 'mariadb' }>;
    const impatient = await new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 1 } }).initialize();
    extra.push(() => impatient.destroy());
    await impatient.query('SET SESSION innodb_lock_wait_timeout = 1');
    return impatient;
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
      expect(rewrites).toBeGreaterThan(0);
    }, 30_000);

    it('writes the result again after it waited longer than innodb_lock_wait_timeout for a lock another connection held', async () => {
      const impatient = await impatientDataSource();
      const holder = svc.dataSource.createQueryRunner();
      extra.push(() => holder.release());

      await sendWithFault(workerOn(impatient), async () => {
        await holder.startTransaction();
        await holder.query('SELECT id FROM claim FOR UPDATE');
        await until(() => rewrites > 0, 'a failed write');
        await holder.rollbackTransaction();
      });
      await expectStoredOnce();
      expect(rewrites).toBeGreaterThan(0);
    }, 30_000);
  }

  it('keeps a result not stored within its lease and writes it in the next round instead of sending the claim again', async () => {
    // Another connection holds the claim's row (MariaDB) or the database (SQLite) past the lease's deadline.
    const other = kind === 'sqlite' ? await createDataSource(`sqlite:${String(svc.dataSource.options.database)}`) : null;
    await other?.initialize();
    if (other) extra.push(() => other.destroy());
    const holder = svc.dataSource.createQueryRunner();
    extra.push(() => holder.release());
    let offsetMs = 1000;
    // A 2 s lease: its result is written again for 1.6 s, a little longer than the platform's 0.8 s answer.
    const worker = workerOn(other ? svc.dataSource : await impatientDataSource(), { now: () => new Date(Date.now() + offsetMs), leaseSeconds: 2 });

    await sendWithFault(worker, async () => {
      if (other) await other.query('BEGIN IMMEDIATE');
      else {
        await holder.startTransaction();
        await holder.query('SELECT id FROM claim FOR UPDATE');
      }
    });
    expect(worker.unstoredResults).toBe(1); // the round ended with the result held
    if (other) await other.query('ROLLBACK');
    else await holder.rollbackTransaction();

    offsetMs = 60_000; // the claim's lease is long over: without the kept result it would be taken and sent again
    await worker.runOnce();
    expect(worker.unstoredResults).toBe(0);
    await expectStoredOnce();
  }, 30_000);

  it('writes a result on the attempt row of its own lease, not on an abandoned one with the same attempt number', async () => {
    const worker = workerOn(svc.dataSource, { now: () => new Date(Date.now() + 120_000) });
    const j = specExample();
    j.judgeResult.claimAmount = 89.9;
    expect((await svc.push(j)).json.error).toBe('200');
    // The same worker leased the claim before and never finished (a send that threw): its lease ran out.
    expect(await leaseDueClaims(svc.dataSource, { workerId: worker.workerId, limit: 1, leaseMs: 2000, now: new Date(Date.now() + 60_000) })).toHaveLength(1);
    expect(await worker.runOnce()).toBe(1);
    const claim = await svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'glitzcloud-loss' });
    const attempts = await svc.dataSource.getRepository(ClaimAttempt).find({ where: { claimId: claim.id }, order: { id: 'ASC' } });
    expect(attempts.map((a) => [a.attemptNo, a.outcome])).toEqual([[1, 'abandoned'], [1, 'submitted']]);
  });

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
      expect(rewrites).toBeGreaterThan(0);
    }, 30_000);
  }
});
