import { PassThrough } from 'node:stream';
import { AuditLog, Claim, RejectedPush, WorkOrder } from '../../src/entities';
import { QimenError } from '../../src/errors/qimen-errors';
import { revalidateRejectedPushes } from '../../src/rejected-pushes/revalidate';
import { keepRejectedPush } from '../../src/rejected-pushes/rejected-push-store';
import { sha256Hex } from '../../src/storage/canonical-json';
import type { ReceivedPush } from '../../src/storage/raw-push-store';
import { call } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const actor = { name: 'ops-alice', role: 'cli' };
const TOKEN = 'viewer-token-0123456789';
const ROUTE = {
  name: 'warehouse', platform: 'glitzcloud', when: { responsibilityParty: 'WAREHOUSE' }, share: 'warehouseRatio', fields: { type: '1' },
};
const PLATFORMS = { glitzcloud: { baseUrl: 'http://127.0.0.1:9/agent/v1', apikey: 'k', secretkey: 's', storeName: 'TWUSA01' } };

function quietIo() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  return { io: { out, err: new PassThrough() }, text: () => text };
}

/** A verified push as the controller builds it, from a signed request of `body`. */
function receivedPush(body: string): ReceivedPush {
  const signed = signedPush(body);
  const query = new Map(new URLSearchParams(signed.query));
  return {
    receivedAt: new Date(), method: query.get('method')!, appKey: query.get('app_key')!, signMethod: 'md5', query, headers: { 'content-type': 'text/plain' },
    body: signed.body, bodySha256: sha256Hex(signed.body),
  };
}

/**
 * Issue 15: `claim-relay revalidate-rejected` re-runs kept rejected pushes after an upgrade. Each test keeps
 * a push as an older version refused it (its reason recorded then), then runs today's validation over it.
 */
describe.each(TEST_DATABASES)('revalidating rejected pushes on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, { platforms: PLATFORMS, routes: [ROUTE], finance: { tokens: [{ name: 'fin-viewer', token: TOKEN, role: 'viewer' }] } });
  });
  afterEach(() => svc.close());

  /** A judgment with three decimals, which an older version refused as invalid-parameter. */
  async function keptSubFenPush(orderId = 'REVALIDATE-1'): Promise<RejectedPush> {
    const j = specExample();
    j.externalOrderId = orderId;
    j.judgeResult.claimAmount = 12.345;
    await keepRejectedPush(svc.dataSource, receivedPush(JSON.stringify(j)), new QimenError('invalid-parameter', 'judgeResult.claimAmount: at most 2 decimals'));
    return svc.dataSource.getRepository(RejectedPush).findOneByOrFail({ bodySha256: sha256Hex(Buffer.from(JSON.stringify(j))) });
  }

  it('stores a kept push that is valid today as an ordinary push with its claims, and marks it accepted', async () => {
    const kept = await keptSubFenPush();
    const [result] = await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { dryRun: false, actor });
    const workOrder = await svc.dataSource.getRepository(WorkOrder).findOneByOrFail({ externalOrderId: 'REVALIDATE-1' });
    expect(result).toEqual({ id: kept.id, outcome: 'accepted', workOrderId: workOrder.id, reason: null });
    expect(await svc.dataSource.getRepository(Claim).findBy({ workOrderId: workOrder.id })).toHaveLength(1);
    const row = await svc.dataSource.getRepository(RejectedPush).findOneByOrFail({ id: kept.id });
    expect(row.workOrderId).toBe(workOrder.id);
    expect(row.acceptedAt).not.toBeNull();
    expect(await svc.dataSource.getRepository(AuditLog).findBy({ action: 'rejected-push.accept' })).toHaveLength(1);
  });

  it('shows the acceptance in GET /api/rejected-pushes', async () => {
    const kept = await keptSubFenPush();
    await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { dryRun: false, actor });
    const { json } = await call(svc.baseUrl, `/api/rejected-pushes/${kept.id}`, { token: TOKEN });
    expect(json).toMatchObject({ id: kept.id, errorId: 'invalid-parameter', workOrderId: expect.any(Number), acceptedAt: expect.any(String) });
  });

  it('as a dry run says what would be accepted and stores nothing', async () => {
    const kept = await keptSubFenPush();
    const { io, text } = quietIo();
    const results = await revalidateRejectedPushes(svc.dataSource, io, svc.config.routes, { dryRun: true, actor });
    expect(results).toEqual([{ id: kept.id, outcome: 'would be accepted', workOrderId: null, reason: null }]);
    expect(text()).toContain('dry run, nothing stored: 1 of 1 would be accepted');
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(0);
    expect((await svc.dataSource.getRepository(RejectedPush).findOneByOrFail({ id: kept.id })).acceptedAt).toBeNull();
  });

  it('leaves a push still refused today, with the reason it gets now', async () => {
    const j = specExample();
    j.judgeResult.claimAmount = -1;
    expect((await svc.push(j)).json.errorId).toBe('invalid-parameter');
    const [result] = await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { dryRun: false, actor });
    expect(result).toMatchObject({ outcome: 'refused', workOrderId: null, reason: expect.stringMatching(/^invalid-parameter: /) });
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(0);
  });

  it('runs again without storing twice: an accepted push is not revisited', async () => {
    await keptSubFenPush();
    await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { dryRun: false, actor });
    expect(await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { dryRun: false, actor })).toEqual([]);
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(1);
  });

  it('takes only the ids given', async () => {
    const first = await keptSubFenPush('REVALIDATE-1');
    await keptSubFenPush('REVALIDATE-2');
    const results = await revalidateRejectedPushes(svc.dataSource, quietIo().io, svc.config.routes, { ids: [first.id], dryRun: false, actor });
    expect(results.map((r) => r.id)).toEqual([first.id]);
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(1);
  });
});
