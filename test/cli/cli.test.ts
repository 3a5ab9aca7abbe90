import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { exportPushes, importPushes } from '../../src/cli/raw-pushes';
import { rerunRoutes } from '../../src/cli/rerun-routes';
import { retryDead } from '../../src/cli/retry-dead';
import { parseConfig } from '../../src/config/load';
import { AuditLog, Claim, JudgmentRevision, WorkOrder } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const actor = { name: 'ops-alice', role: 'cli' };
const PLATFORMS = {
  glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' },
  appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'sess' },
};
const WAREHOUSE_ROUTE = { name: 'warehouse', platform: 'glitzcloud', when: { responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio', fields: { type: '1' } };
const DELIVERY_ROUTE = { name: 'delivery', platform: 'appintf', when: { established: true }, share: 'deliveryRatio', fields: { orderId: '{externalOrderId}' } };

function captureIo() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  return { io: { out, err: new PassThrough() }, text: () => text };
}

describe.each(TEST_DATABASES)('operator CLI on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, { platforms: PLATFORMS, routes: [WAREHOUSE_ROUTE] });
    for (const [i, ratio] of [[1, 60], [2, 100]]) {
      const j = specExample();
      j.externalOrderId = `CLI-${i}`;
      Object.assign(j.judgeResult, { claimAmount: 100, warehouseRatio: ratio, deliveryRatio: 100 - ratio });
      await svc.push(j);
    }
  });
  afterEach(() => svc.close());

  const claims = () => svc.dataSource.getRepository(Claim).find({ order: { id: 'ASC' } });
  const newRoutes = () => parseConfig({ qimen: { apps: [{ appKey: 'k', secret: 's' }] }, platforms: PLATFORMS, routes: [WAREHOUSE_ROUTE, DELIVERY_ROUTE] }).routes;

  it('rerun-routes as a dry run prints what would be filed and files nothing', async () => {
    const { io, text } = captureIo();
    const planned = await rerunRoutes(svc.dataSource, io, newRoutes(), { apply: false, actor });
    expect(planned.flatMap((p) => p.actions.map((a) => `${p.workOrderId}:${a.kind}:${a.route}`))).toEqual(['1:create:delivery']);
    expect(text()).toContain('dry run, nothing changed: 1 to file');
    expect(await claims()).toHaveLength(2);
  });

  it('rerun-routes for real files exactly what the dry run printed, and audits it', async () => {
    const dry = await rerunRoutes(svc.dataSource, captureIo().io, newRoutes(), { apply: false, actor });
    const real = await rerunRoutes(svc.dataSource, captureIo().io, newRoutes(), { apply: true, actor });
    const summary = (r: typeof dry) => r.flatMap((p) => p.actions.map((a) => [p.workOrderId, a.kind, a.route, a.reason]));
    expect(summary(real)).toEqual(summary(dry));
    const delivery = (await claims()).filter((c) => c.route === 'delivery');
    expect(delivery.map((c) => [c.workOrderId, c.amountMinor, c.status])).toEqual([[1, 4000, 'pending']]);
    expect(await svc.dataSource.getRepository(AuditLog).findBy({ action: 'routes.rerun' })).toHaveLength(1);
    const again = await rerunRoutes(svc.dataSource, captureIo().io, newRoutes(), { apply: false, actor });
    expect(again).toEqual([]);
  });

  it('retry-dead retries only the dead claims matching the filter, and audits each', async () => {
    const [a, b] = await claims();
    await svc.dataSource.getRepository(Claim).update({ id: a.id }, { status: 'dead', lastError: '2582: Invalid Outflow Sn', attempts: 1 });
    await svc.dataSource.getRepository(Claim).update({ id: b.id }, { status: 'dead', lastError: 'http-500: Internal Server Error', attempts: 8 });
    const dry = captureIo();
    expect(await retryDead(svc.dataSource, dry.io, { errorCode: '2582' }, { dryRun: true, actor })).toBe(1);
    expect((await claims()).map((c) => c.status)).toEqual(['dead', 'dead']);
    expect(await retryDead(svc.dataSource, captureIo().io, { errorCode: '2582', platform: 'glitzcloud' }, { dryRun: false, actor })).toBe(1);
    expect((await claims()).map((c) => c.status)).toEqual(['pending', 'dead']);
    const audit = await svc.dataSource.getRepository(AuditLog).findBy({ action: 'claim.retry' });
    expect(audit.map((x) => [x.actor, x.targetId])).toEqual([['ops-alice', String(a.id)]]);
  });

  it('exports a work order’s raw pushes and imports them into another database unchanged', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'pushes.jsonl');
    expect(await exportPushes(svc.dataSource, captureIo().io, 1, file)).toBe(1);
    const other = await startTestService(kind, { platforms: PLATFORMS, routes: [WAREHOUSE_ROUTE] });
    try {
      const results = await importPushes(other.dataSource, captureIo().io, other.config, file, actor);
      expect(results.map((r) => r.workOrderId)).toEqual([1]);
      const rev = await other.dataSource.getRepository(JudgmentRevision).findOneByOrFail({ workOrderId: 1 });
      expect(rev.externalOrderId).toBe('CLI-1');
      await importPushes(other.dataSource, captureIo().io, other.config, file, actor);
      expect(await other.dataSource.getRepository(WorkOrder).count()).toBe(1);
      expect(await other.dataSource.getRepository(Claim).count()).toBe(1);
    } finally {
      await other.close();
    }
  });
});
