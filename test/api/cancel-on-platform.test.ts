import { Claim, ClaimEvent } from '../../src/entities';
import { TEST_DATABASES } from '../support/databases';
import { Fakes, fakesConfig, RouteName, startFakes } from '../support/platform-fakes';
import { pushAndFileClaims } from '../support/file-a-claim';
import { startTestService, TestService } from '../support/test-service';

const OPERATOR = 'operator-token-cancel-0123456789';

describe.each(TEST_DATABASES)('an operator cancels a claim the platform holds on %s', (kind) => {
  let fakes: Fakes;
  let svc: TestService;

  async function filed(route: RouteName) {
    svc = await startTestService(kind, { ...fakesConfig(fakes, { only: [route] }), finance: { tokens: [{ name: 'ops', token: OPERATOR, role: 'operator' }] } });
    await pushAndFileClaims(svc);
    return svc.dataSource.getRepository(Claim).findOneByOrFail({ route });
  }
  const cancel = async (id: number) => {
    const res = await fetch(`${svc.baseUrl}/api/claims/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}` } });
    return { status: res.status, json: (await res.json()) as any };
  };
  const lastEvent = (claimId: number) => svc.dataSource.getRepository(ClaimEvent).findOne({ where: { claimId }, order: { id: 'DESC' } });

  beforeEach(async () => {
    fakes = await startFakes();
  });
  afterEach(async () => {
    await svc.close();
    await fakes.close();
  });

  it('cancels a submitted appintf claim through the app’s cancel API (POST refundList.jsp)', async () => {
    const claim = await filed('appintf-refund');
    expect(claim.status).toBe('submitted');
    const { status, json } = await cancel(claim.id);
    expect(status).toBe(200);
    expect(json.status).toBe('cancelled');
    const cancelCall = fakes.appintf.requests.find((r) => r.method === 'POST' && r.path.endsWith('refundList.jsp'));
    expect(cancelCall?.body).toMatchObject({ orderId: '123456', refundId: claim.platformClaimId });
    expect(fakes.appintf.refunds[0].status).toBe('5');
    expect((await lastEvent(claim.id))!.reason).toBe(`cancelled by operator ops: cancelled on appintf (refund ${claim.platformClaimId})`);
  });

  it('leaves the claim as it was when appintf refuses the cancel (18), answering 502', async () => {
    const claim = await filed('appintf-refund');
    fakes.appintf.setRefundStatus(claim.platformClaimId!, '3'); // completed on the app: not cancellable
    const { status, json } = await cancel(claim.id);
    expect(status).toBe(502);
    expect(json.message).toMatch(/18/);
    expect((await svc.dataSource.getRepository(Claim).findOneByOrFail({ id: claim.id })).status).toBe('submitted');
  });

  it('cancels a submitted Glitzcloud claim here only, recording that the platform still holds it', async () => {
    const claim = await filed('glitzcloud-loss');
    const { json } = await cancel(claim.id);
    expect(json.status).toBe('cancelled');
    expect((await lastEvent(claim.id))!.reason).toBe(`cancelled by operator ops: cancelled here only: glitzcloud has no cancel API; it still holds ${claim.platformClaimId}`);
    expect(fakes.glitzcloud.requests).toHaveLength(1);
  });
});
