import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load';
import { DispatchWorker } from '../../src/dispatch/dispatch-worker';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { Claim, ClaimAttempt, WorkOrder } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES, type TestDatabase } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { proxiedMysqlDatabase } from '../support/proxied-database';
import type { TcpProxy } from '../support/tcp-proxy';

/** How long the database stays cut (issue 7 asks for 10 s; FAULT_CUT_MS shortens it locally). */
const CUT_MS = Number(process.env.FAULT_CUT_MS ?? 10_000);
const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

onMysql('the MariaDB connection cut for a while under a steady stream of pushes', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let server: Server;
  let baseUrl: string;
  let fakes: Fakes;
  let worker: DispatchWorker;

  beforeAll(async () => {
    let url: string;
    ({ db, proxy, url } = await proxiedMysqlDatabase());
    dataSource = await createDataSource(url);
    await dataSource.initialize();
    fakes = await startFakes();
    const raw = fakesConfig(fakes, { only: ['glitzcloud-loss'], retrySchedule: Array.from({ length: 30 }, () => '1s') });
    // A send whose result could not be stored during the cut is taken over when its lease (2 s) ends.
    raw.dispatch.leaseSeconds = 2;
    const config = parseConfig({ qimen: { apps: [TEST_APP] }, ...raw });
    const logger = createLogger({ level: 'silent' });
    server = createServer(createApp({ config, dataSource, logger }).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    worker = new DispatchWorker({ dataSource, config, clients: createPlatformClients(config), logger, idleMs: 100 });
  });
  afterAll(async () => {
    await worker.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dataSource.destroy();
    await proxy.close();
    await fakes.close();
    await db.drop();
  });

  async function push(i: number): Promise<{ i: number; status: number; json: any }> {
    const j = specExample();
    j.externalOrderId = `CUT-${i}`;
    j.logisticsOrderNo = `LOGI-CUT-${i}`;
    j.judgeResult.claimAmount = 10;
    const signed = signedPush(JSON.stringify(j));
    try {
      const res = await fetch(`${baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body, signal: AbortSignal.timeout(20_000) });
      return { i, status: res.status, json: await res.json() };
    } catch (err) {
      return { i, status: 0, json: { error: 'network', message: String(err) } };
    }
  }
  const readyz = async () => (await fetch(`${baseUrl}/readyz`)).status;

  it('acknowledges only stored pushes, answers the rest with a failure envelope, and recovers without a restart', async () => {
    worker.start();
    const answers: Array<{ i: number; status: number; json: any }> = [];
    let next = 0;
    let stop = false;
    const streams = Array.from({ length: 4 }, async () => {
      while (!stop && next < 5000) answers.push(await push(next++));
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await readyz()).toBe(200);

    proxy.cut();
    const cutAt = answers.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(await readyz()).toBe(503);
    await new Promise((r) => setTimeout(r, CUT_MS - 500));
    const duringCut = answers.slice(cutAt);
    proxy.restore();

    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = await readyz();
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    const readyAt = answers.length;
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(streams);

    const ok = answers.filter((a) => a.json.error === '200');
    const failed = answers.filter((a) => a.json.error !== '200');
    // Pushes went through before the cut and once the service was ready again, and failed during it, each with an envelope.
    expect(answers.slice(0, cutAt).filter((a) => a.json.error === '200').length).toBeGreaterThan(0);
    expect(answers.slice(readyAt).filter((a) => a.json.error === '200').length).toBeGreaterThan(0);
    expect(duringCut.filter((a) => a.json.error !== '200').length).toBeGreaterThan(0);
    expect(failed.every((a) => a.json.errorId === 'internal-error' && a.status === 500)).toBe(true);
    // Every acknowledged push is stored, under the id it was answered with.
    const stored = new Map((await dataSource.getRepository(WorkOrder).find()).map((w) => [w.externalOrderId, w.id]));
    for (const a of ok) expect(stored.get(`CUT-${a.i}`)).toBe(a.json.data.workOrderId);
    process.stdout.write(`database cut ${CUT_MS} ms: ${answers.length} pushes, ${ok.length} acknowledged and stored, ${failed.length} failure envelopes, ${duringCut.length} answered during the cut\n`);

    // The dispatcher, cut too, loses no claim and sends none twice.
    for (let i = 0; i < 600; i++) {
      const pending = await dataSource.getRepository(Claim).countBy({ status: 'pending' });
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.stop();
    const claims = await dataSource.getRepository(Claim).find();
    expect(claims.length).toBe(stored.size);
    expect(claims.filter((c) => c.status !== 'submitted')).toEqual([]);
    const sns = fakes.glitzcloud.requests.map((r) => (r.body as { connect_order_sn: string }).connect_order_sn);
    expect(new Set(sns).size).toBe(claims.length);
    // One claim on the platform per claim. A send whose result the cut kept us from storing is sent again
    // after its lease (marked mayExistOnPlatform); Glitzcloud dedupes it on connect_order_sn.
    expect(fakes.glitzcloud.orders.length).toBe(claims.length);
    // Every platform request has its attempt row: a resend (after a send whose result the cut kept us from
    // storing, or after a timeout on a loaded machine) is an attempt of its own, never a silent one.
    const attempts = await dataSource.getRepository(ClaimAttempt).count();
    const abandoned = await dataSource.getRepository(ClaimAttempt).countBy({ outcome: 'abandoned' });
    expect(fakes.glitzcloud.requests.length).toBeLessThanOrEqual(attempts);
    process.stdout.write(`dispatcher across the cut: ${claims.length} claims, ${fakes.glitzcloud.requests.length} platform requests, ${fakes.glitzcloud.orders.length} platform claims, ${abandoned} attempts abandoned by the cut\n`);
  }, CUT_MS + 60_000);
});
