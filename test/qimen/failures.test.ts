import { JudgmentRevision, RawPush, WorkOrder } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** Every failure answers Qimen's envelope (never HTML, never a stack trace) and stores nothing. */
describe.each(TEST_DATABASES)('POST /qimen failures on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind, { qimen: { apps: [{ appKey: '12345678', secret: 'testsecret0123456789abcdef012345' }], maxBodyBytes: 64 * 1024 } });
  });
  afterEach(() => svc.close());

  async function expectNothingStored() {
    expect(await svc.dataSource.getRepository(WorkOrder).count()).toBe(0);
    expect(await svc.dataSource.getRepository(JudgmentRevision).count()).toBe(0);
    expect(await svc.dataSource.getRepository(RawPush).count()).toBe(0);
  }

  async function post(query: string, body: Buffer | string): Promise<{ status: number; json: any }> {
    const res = await fetch(`${svc.baseUrl}/qimen?${query}`, { method: 'POST', body });
    return { status: res.status, json: await res.json() };
  }

  it('answers a wrong signature with sign-check-failure, error 500, "Illegal request"', async () => {
    const { status, json } = await svc.push(specExample(), { sign: 'C8DC45D3E320156D4476A1EEFAEF2C58' });
    expect(status).toBe(200);
    expect(json).toEqual({ errorMessage: 'Illegal request', errorId: 'sign-check-failure', error: '500' });
    await expectNothingStored();
  });

  it('answers a push signed with another secret with sign-check-failure', async () => {
    const { json } = await svc.push(specExample(), { secret: 'not-the-secret' });
    expect(json.errorId).toBe('sign-check-failure');
  });

  it('answers a missing sign with sign-check-failure', async () => {
    const signed = signedPush(JSON.stringify(specExample()));
    const query = signed.query.replace(/&sign=[^&]*/, '');
    expect((await post(query, signed.body)).json.errorId).toBe('sign-check-failure');
  });

  it('answers an unknown app_key with invalid-app-key', async () => {
    const { json } = await svc.push(specExample(), { appKey: '99999999' });
    expect(json).toMatchObject({ errorId: 'invalid-app-key', error: '401' });
    await expectNothingStored();
  });

  it.each([
    ['eleven minutes old', -11 * 60_000],
    ['eleven minutes ahead', 11 * 60_000],
  ])('answers a timestamp %s with invalid-timestamp', async (_name, offset) => {
    const { json } = await svc.push(specExample(), { timestampMs: Date.now() + offset });
    expect(json.errorId).toBe('invalid-timestamp');
    await expectNothingStored();
  });

  it('answers a timestamp that does not parse with invalid-timestamp', async () => {
    const signed = signedPush('{}');
    const query = signed.query.replace(/timestamp=[^&]*/, 'timestamp=1731300000000');
    expect((await post(query, signed.body)).json.errorId).toBe('invalid-timestamp');
  });

  it('answers an unknown method with invalid-method', async () => {
    const { json } = await svc.push(specExample(), { method: 'qimen.taobao.unknown.method' });
    expect(json).toMatchObject({ errorId: 'invalid-method' });
    expect(json.error).not.toBe('200');
  });

  it('answers a body that is not JSON with invalid-json', async () => {
    const { json } = await svc.push('{"bizType": ');
    expect(json.errorId).toBe('invalid-json');
    await expectNothingStored();
  });

  it('answers a body that is not valid UTF-8 with invalid-json', async () => {
    const { json } = await svc.push(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(json.errorId).toBe('invalid-json');
  });

  it('answers a JSON array body with invalid-json', async () => {
    expect((await svc.push('[1,2]')).json.errorId).toBe('invalid-json');
  });

  it('answers a DTO rule broken with invalid-parameter naming the field path', async () => {
    const body = specExample();
    body.judgeResult.warehouseRatio = 101;
    const { json } = await svc.push(body);
    expect(json).toMatchObject({ errorId: 'invalid-parameter', error: '400' });
    expect(json.errorMessage).toBe('judgeResult.warehouseRatio must not be greater than 100');
    await expectNothingStored();
  });

  it('answers a body over the limit with body-too-large in the envelope', async () => {
    const big = JSON.stringify({ ...specExample(), description: 'x'.repeat(70 * 1024) });
    const { status, json } = await svc.push(big);
    expect(status).toBe(200);
    expect(json).toMatchObject({ errorId: 'body-too-large', error: '413' });
    await expectNothingStored();
  });

  it('answers a format other than json or xml with invalid-parameter', async () => {
    const { json } = await svc.push(specExample(), { extra: { format: 'yaml' } });
    expect(json.errorId).toBe('invalid-parameter');
  });

  it('answers an unknown sign_method with invalid-parameter', async () => {
    const signed = signedPush('{}');
    const query = signed.query.replace('sign_method=md5', 'sign_method=rsa');
    expect((await post(query, signed.body)).json.errorId).toBe('invalid-parameter');
  });

  it('answers internal-error with HTTP 500 and no detail when the database is gone', async () => {
    await svc.dataSource.destroy();
    const { status, json } = await svc.push(specExample());
    expect(status).toBe(500);
    expect(json).toEqual({ errorMessage: 'internal error, please push again', errorId: 'internal-error', error: '500' });
  });

  it('answers JSON, not HTML, for an unknown route', async () => {
    const res = await fetch(`${svc.baseUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not-found' });
  });
});

describe.each(TEST_DATABASES)('health on %s', (kind) => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startTestService(kind);
  });
  afterEach(() => svc.close());

  it('answers /healthz 200 and /readyz 200 when the database is reachable and migrated', async () => {
    expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${svc.baseUrl}/readyz`)).status).toBe(200);
  });

  it('answers /readyz 503 when the database is unreachable', async () => {
    await svc.dataSource.destroy();
    const res = await fetch(`${svc.baseUrl}/readyz`);
    expect(res.status).toBe(503);
    expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
  });

  it('answers /readyz 503 while a migration is pending', async () => {
    await svc.dataSource.undoLastMigration();
    expect((await fetch(`${svc.baseUrl}/readyz`)).status).toBe(503);
  });
});
