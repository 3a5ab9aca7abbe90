import { CallbackInbox, Claim, ClaimEvent } from '../../src/entities';
import { LOGGED_BODY_HEAD_BYTES } from '../../src/callbacks/body-summary';
import { SHOPEX_CALLBACK_MAX_BYTES } from '../../src/controllers/shopex-callback.controller';
import { signShopexParams } from '../../src/verify/shopex-sign';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, startFakes } from '../support/platform-fakes';
import { pushAndFileClaims } from '../support/file-a-claim';
import { startTestService, TestService } from '../support/test-service';
import { capturedLogger } from '../support/captured-log';

/** A log line may hold the body's size, hash and first bytes: well under this many characters. */
const MAX_LOG_LINE = 2048;

describe.each(TEST_DATABASES)('POST /callbacks/shopex against crafted callbacks on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;
  let msgId: string;
  let lines: string[];

  beforeEach(async () => {
    const log = capturedLogger();
    lines = log.lines;
    fakes = await startFakes();
    svc = await startTestService(
      kind,
      (baseUrl) => fakesConfig(fakes, { only: ['shopex-aftersale'], callbackUrl: `${baseUrl}/callbacks/shopex` }),
      { logger: log.logger },
    );
    await pushAndFileClaims(svc);
    msgId = fakes.shopex.applications[0].msgId;
  });
  afterEach(async () => {
    await svc.close();
    await fakes.close();
  });

  const token = () => svc.config.platforms.shopex!.token;
  const claim = () => svc.dataSource.getRepository(Claim).findOneByOrFail({ route: 'shopex-aftersale' });
  const inbox = () => svc.dataSource.getRepository(CallbackInbox).find({ order: { id: 'ASC' } });
  const post = (body: string | Buffer) =>
    fetch(`${svc.baseUrl}/callbacks/shopex`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('stores a success re-split as res=rspsucc (same sign, rsp removed) for review and changes no claim', async () => {
    const trade = fakes.shopex.applications[0].trade;
    const captured = { rsp: 'succ', res: '', err_msg: '', msg_id: msgId, data: JSON.stringify({ trade: { ...trade, status: '3' } }) };
    const sign = signShopexParams(captured, token());
    const { rsp: _rsp, ...resplit } = { ...captured, res: 'rspsucc' };
    const eventsBefore = await svc.dataSource.getRepository(ClaimEvent).count();

    const answer = await (await post(new URLSearchParams({ ...resplit, sign }).toString())).json();

    expect(answer).toEqual({ rsp: 'succ', res: '', msg_id: msgId }); // it verifies, as on ECstore, and is stored
    expect(await inbox()).toEqual([expect.objectContaining({ outcome: 'malformed', claimId: null, note: 'rsp is missing' })]);
    expect(await claim()).toMatchObject({ status: 'submitted', platformClaimId: null });
    expect(await svc.dataSource.getRepository(ClaimEvent).count()).toBe(eventsBefore);
  });

  it('answers a body over the limit 413 in the ShopEx envelope, stores nothing and logs no line longer than 2 KB', async () => {
    const body = `rsp=succ&msg_id=${msgId}&data=${'x'.repeat(SHOPEX_CALLBACK_MAX_BYTES)}`;
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ rsp: 'fail', res: '413', err_msg: expect.stringContaining('over') });
    expect(await inbox()).toEqual([]);
    expect(lines.some((l) => JSON.parse(l).msg === 'callback refused')).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('answers a verified callback too large to store 413, stores nothing, and logs only its size, hash and first bytes', async () => {
    const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', msg_id: msgId, data: JSON.stringify({ note: 'y'.repeat(200_000) }) };
    fields.sign = signShopexParams(fields, token());
    const res = await post(new URLSearchParams(fields).toString());
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ rsp: 'fail', res: '413', msg_id: msgId, err_msg: expect.stringContaining('too large to store') });
    expect(await inbox()).toEqual([]);
    const refused = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'callback refused');
    expect(refused.body).toEqual({ bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), head: expect.any(String) });
    expect(refused.body.head.length).toBeLessThanOrEqual(LOGGED_BODY_HEAD_BYTES * 4);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOG_LINE);
  });

  it('answers a form that is not UTF-8 4003 (it cannot verify) and stores nothing', async () => {
    const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', msg_id: msgId };
    const sign = signShopexParams(fields, token());
    const res = await post(Buffer.concat([Buffer.from(`${new URLSearchParams({ ...fields, sign })}&note=`), Buffer.from([0xff, 0xfe])]));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rsp: 'fail', res: '4003' });
    expect(await inbox()).toEqual([]);
  });

  it('answers a callback it could not store 500 e00090 and logs the error without the body', async () => {
    const fields: Record<string, string> = { rsp: 'succ', res: '', err_msg: '', msg_id: msgId, data: JSON.stringify({ note: 'z'.repeat(30_000) }) };
    fields.sign = signShopexParams(fields, token());
    await svc.dataSource.destroy();
    const res = await post(new URLSearchParams(fields).toString());
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ rsp: 'fail', res: 'e00090', msg_id: msgId });
    const failed = lines.find((l) => JSON.parse(l).msg === 'callback not stored');
    expect(failed).toBeDefined();
    expect(failed).not.toContain('zzzzzzzz');
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOG_LINE);
  });
});
