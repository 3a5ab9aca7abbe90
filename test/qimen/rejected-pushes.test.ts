import { RawPush, RejectedPush } from '../../src/entities';
import { registry } from '../../src/metrics';
import { call } from '../api/finance-fixture';
import { TEST_DATABASES } from '../support/databases';
import { specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

const TOKEN = 'viewer-token-0123456789';

/** Issue 15, item 5: a verified push that is refused is kept before the refusal is answered. */
describe.each(TEST_DATABASES)('rejected pushes on %s', (kind) => {
  let svc: TestService;
  const rejected = () => svc.dataSource.getRepository(RejectedPush).find({ order: { id: 'ASC' } });

  beforeEach(async () => {
    svc = await startTestService(kind, { finance: { tokens: [{ name: 'fin-viewer', token: TOKEN, role: 'viewer' }] } });
  });
  afterEach(() => svc.close());

  it('keeps a verified push refused invalid-json, its query without sign, before answering', async () => {
    const { json } = await svc.push('{"tenantId": "MAOCHAO",');
    expect(json.errorId).toBe('invalid-json');
    const [row] = await rejected();
    expect(row).toMatchObject({ attempts: 1, errorId: 'invalid-json', appKey: '12345678', bodyBytes: Buffer.byteLength('{"tenantId": "MAOCHAO",') });
    const raw = await svc.dataSource.getRepository(RawPush).findOneByOrFail({ id: row.rawPushId });
    expect(Object.keys(JSON.parse(raw.query))).not.toContain('sign');
  });

  it('keeps pushes refused invalid-parameter and invalid-method', async () => {
    const j = specExample();
    j.judgeResult.claimAmount = -1;
    expect((await svc.push(j)).json.errorId).toBe('invalid-parameter');
    expect((await svc.push(specExample(), { method: 'qimen.unknown.method' })).json.errorId).toBe('invalid-method');
    expect((await rejected()).map((r) => r.errorId)).toEqual(['invalid-parameter', 'invalid-method']);
  });

  it("keeps a refused field's path and problem id with the push, and none for a refusal of no one field", async () => {
    const j = specExample();
    j.judgeResult.warehouseRatio = 101;
    await svc.push(j);
    await svc.push(specExample(), { method: 'qimen.unknown.method' });
    const items = (await call(svc.baseUrl, '/api/rejected-pushes', { token: TOKEN })).json.items;
    expect(items.map((i: any) => [i.errorId, i.field, i.problemId, i.problemParams])).toEqual([
      ['invalid-method', null, null, null],
      ['invalid-parameter', 'judgeResult.warehouseRatio', 'too-large', { max: 100 }],
    ]);
  });

  it('counts the same body again as one more attempt, not a second row', async () => {
    await svc.push('not json');
    await svc.push('not json');
    const rows = await rejected();
    expect(rows).toHaveLength(1);
    expect(rows[0].attempts).toBe(2);
    expect(rows[0].lastReceivedAt.getTime()).toBeGreaterThanOrEqual(rows[0].receivedAt.getTime());
  });

  it('never keeps an unverified push', async () => {
    expect((await svc.push('not json', { sign: 'BAD' })).json.errorId).toBe('sign-check-failure');
    expect(await rejected()).toEqual([]);
  });

  it('answers internal-error (HTTP 500, pushed again) when the refused push cannot be kept', async () => {
    await svc.dataSource.query('DROP TABLE rejected_push');
    const answer = await svc.push('not json');
    expect([answer.status, answer.json.errorId]).toEqual([500, 'internal-error']);
  });

  it('lists them in GET /api/rejected-pushes and shows one with its raw push in /:id', async () => {
    await svc.push('not json');
    await svc.push(specExample(), { method: 'qimen.unknown.method' });
    const list = await call(svc.baseUrl, '/api/rejected-pushes', { token: TOKEN });
    expect(list.json.items.map((i: any) => i.errorId)).toEqual(['invalid-method', 'invalid-json']);
    expect(Object.keys(list.json.items[0])).toEqual([
      'id', 'receivedAt', 'lastReceivedAt', 'attempts', 'method', 'appKey', 'errorId', 'message', 'bodyBytes', 'field', 'problemId', 'problemParams', 'acceptedAt', 'workOrderId',
    ]);
    const filtered = await call(svc.baseUrl, '/api/rejected-pushes?errorId=invalid-json', { token: TOKEN });
    expect(filtered.json.items.map((i: any) => i.errorId)).toEqual(['invalid-json']);
    const detail = await call(svc.baseUrl, `/api/rejected-pushes/${filtered.json.items[0].id}`, { token: TOKEN });
    expect(detail.json.rawPush).toMatchObject({ body: 'not json', bodyBase64: Buffer.from('not json').toString('base64') });
    expect(detail.json.rawPush.query.sign).toBeUndefined();
    expect((await call(svc.baseUrl, '/api/rejected-pushes')).status).toBe(401);
    expect((await call(svc.baseUrl, '/api/rejected-pushes/999', { token: TOKEN })).status).toBe(404);
  });

  it('counts them in the metrics', async () => {
    const before = (await registry.getSingleMetric('claim_relay_rejected_pushes_kept_total')!.get()).values.find((v) => v.labels.errorId === 'invalid-json')?.value ?? 0;
    await svc.push('not json');
    const after = (await registry.getSingleMetric('claim_relay_rejected_pushes_kept_total')!.get()).values.find((v) => v.labels.errorId === 'invalid-json')?.value;
    expect(after).toBe(before + 1);
  });
});
