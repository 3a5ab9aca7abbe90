import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { Claim, ClaimAttempt, WorkOrder } from '../../src/entities';
import { freePort, spawnService, waitReady } from '../support/built-service';
import { createTestDatabase, TEST_DATABASES, TestDatabase } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';

const KILLS = Number(process.env.FAULT_KILLS ?? 3);
const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

onMysql('kill -9 of the service in the middle of pushes and dispatch', () => {
  let db: TestDatabase;
  let fakes: Fakes;
  let dataSource: DataSource;
  let configFile: string;
  let child: ChildProcess | null = null;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    port = await freePort();
    fakes = await startFakes();
    const config = { qimen: { apps: [TEST_APP] }, ...fakesConfig(fakes, { only: ['glitzcloud-loss'], retrySchedule: ['1s', '1s', '1s', '1s', '1s'] }) };
    config.dispatch.leaseSeconds = 2;
    configFile = join(mkdtempSync(join(tmpdir(), 'crash-')), 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
  }, 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await dataSource?.destroy();
    await fakes.close();
    await db.drop();
  });

  const start = async () => {
    child = spawnService('main', { PORT: String(port), DATABASE_URL: db.url, CLAIM_RELAY_CONFIG: configFile });
    await waitReady(`http://127.0.0.1:${port}/readyz`);
  };

  async function push(i: number) {
    const j = specExample();
    Object.assign(j, { externalOrderId: `CRASH-${i}`, logisticsOrderNo: `LOGI-CRASH-${i}` });
    j.judgeResult.claimAmount = 10;
    const signed = signedPush(JSON.stringify(j));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/qimen?${signed.query}`, { method: 'POST', body: signed.body, signal: AbortSignal.timeout(10_000) });
      return { i, json: (await res.json()) as any };
    } catch {
      return { i, json: { error: 'no answer' } };
    }
  }

  it('stores every acknowledged push exactly once and loses no claim', async () => {
    const acknowledged = new Map<number, number>();
    let next = 0;
    for (let round = 0; round < KILLS; round++) {
      await start();
      let stop = false;
      const streams = Array.from({ length: 6 }, async () => {
        while (!stop) {
          const a = await push(next++);
          if (a.json.error === '200') acknowledged.set(a.i, a.json.data.workOrderId);
          if (a.json.error === 'no answer') return;
        }
      });
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
      const exited = new Promise((r) => child!.once('exit', r));
      child!.kill('SIGKILL');
      stop = true;
      await Promise.all(streams);
      await exited;
    }
    // A last start lets the worker take over what the killed ones left mid-send.
    await start();
    dataSource = await createDataSource(db.url);
    await dataSource.initialize();
    for (let i = 0; i < 300; i++) {
      if ((await dataSource.getRepository(Claim).countBy({ status: 'pending' })) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child!.kill('SIGTERM');

    const workOrders = await dataSource.getRepository(WorkOrder).find();
    const byExternal = new Map<string, number[]>();
    for (const w of workOrders) byExternal.set(w.externalOrderId!, [...(byExternal.get(w.externalOrderId!) ?? []), w.id]);
    for (const [i, id] of acknowledged) expect(byExternal.get(`CRASH-${i}`)).toEqual([id]);

    const claims = await dataSource.getRepository(Claim).find();
    expect(claims.length).toBe(workOrders.length);
    expect(claims.filter((c) => c.status !== 'submitted')).toEqual([]);
    // Glitzcloud dedupes on connect_order_sn: one order per claim, whatever was resent.
    expect(fakes.glitzcloud.orders.length).toBe(claims.length);
    const sends = new Map<string, number>();
    for (const r of fakes.glitzcloud.requests) {
      const sn = (r.body as { connect_order_sn: string }).connect_order_sn;
      sends.set(sn, (sends.get(sn) ?? 0) + 1);
    }
    // A claim is sent again only after an attempt a killed worker left unfinished (marked abandoned at the
    // take-over): each kill can leave one, so a claim is sent at most once plus once per abandoned attempt.
    const attempts = await dataSource.getRepository(ClaimAttempt).find();
    const abandonedOf = (claimId: number) => attempts.filter((a) => a.claimId === claimId && a.outcome === 'abandoned').length;
    const overSent = claims
      .map((c) => ({ claim: c.id, sends: sends.get(JSON.parse(c.fields).connect_order_sn) ?? 0, abandoned: abandonedOf(c.id) }))
      .filter((c) => c.sends > 1 + c.abandoned);
    expect(overSent).toEqual([]);
    const resent = [...sends.values()].filter((n) => n > 1).length;
    const abandoned = attempts.filter((a) => a.outcome === 'abandoned').length;
    // Every claim the platform received twice carries the resent-blind reconciliation flag (a resend after an
    // attempt that never reached the platform is flagged too: dispatch cannot tell the two apart).
    const flagged = claims.filter((c) => c.resentBlindAt !== null).length;
    expect(flagged).toBeGreaterThanOrEqual(resent);
    expect(flagged).toBeLessThanOrEqual(abandoned);
    process.stdout.write(`kill -9 ×${KILLS}: ${next} pushes sent, ${acknowledged.size} acknowledged, ${workOrders.length} stored, ${claims.length} claims, ${fakes.glitzcloud.requests.length} platform requests, ${resent} resent after a crash (${abandoned} abandoned attempts, ${flagged} claims flagged resent-blind)\n`);
  }, 300_000);
});
