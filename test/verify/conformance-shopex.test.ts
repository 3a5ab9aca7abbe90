import CASES from '../fixtures/conformance/shopex-callback.json';
import { parsePhpForm } from '../../src/callbacks/php-form';
import { assembleShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { conformanceVerdicts } from './conformance-verdict';

/**
 * test/fixtures/conformance/shopex-callback.json: what an ECstore node (base_rpc_result, base_shopnode)
 * makes of each callback form (test/fixtures/conformance/README.md). Each is fed to the service's reading
 * of a callback (src/callbacks/php-form.ts, src/verify/shopex-sign.ts), then POSTed to /callbacks/shopex.
 * Deliberate differences are in DELIBERATE, with the rule; docs/conformance.md says why.
 */
interface ShopexCase {
  name: string;
  token: string;
  rawForm: string;
  ecstoreAccepts: boolean;
  phpPost: Record<string, unknown>;
  ecstoreAssemble: string;
  ecstoreExpectedSign: string;
}
const cases = CASES as unknown as ShopexCase[];

const { verdict, title } = conformanceVerdicts<ShopexCase>(
  { 'sign in lower-case hex': { accepts: true, rule: 'looser than ECstore: hex compared case-insensitively' } },
  (c) => c.ecstoreAccepts,
  'ECstore',
);
const formOf = (c: ShopexCase) => parsePhpForm(Buffer.from(c.rawForm, 'utf8'));

describe('ShopEx callback, the ECstore cases, through src/callbacks and src/verify', () => {
  it('covers all 20 cases of the fixture', () => {
    expect(cases).toHaveLength(20);
  });

  it.each(cases.map((c) => [title(c), c] as const))('%s', (_title, c) => {
    const { fields, utf8 } = formOf(c);
    expect(utf8 && verifyShopexSign(fields, c.token)).toBe(verdict(c));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the fields are $_POST as PHP fills it', (_name, c) => {
    expect(JSON.parse(JSON.stringify(formOf(c).fields))).toEqual(c.phpPost);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the signed text is ECstore\'s assemble', (_name, c) => {
    expect(assembleShopexParams(formOf(c).fields)).toBe(c.ecstoreAssemble);
  });
});

describe.each(TEST_DATABASES)('ShopEx callback, the ECstore cases, through POST /callbacks/shopex on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    const shopex = {
      baseUrl: 'http://127.0.0.1:9/matrix', certiId: '1', fromNodeId: '1', toNodeId: '2', token: cases[0].token, callbackUrl: 'http://127.0.0.1:9/cb',
    };
    svc = await startTestService(kind, { platforms: { shopex } });
  });
  afterAll(() => svc.close());

  it.each(cases.map((c) => [title(c), c] as const))('%s', async (_title, c) => {
    const res = await fetch(`${svc.baseUrl}/callbacks/shopex`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: c.rawForm,
    });
    const answer = await res.json();
    // An accepted callback is stored (for no claim we sent: unmatched) and answered succ; a refused one 4003.
    if (verdict(c)) expect(answer).toMatchObject({ rsp: 'succ', res: '' });
    else expect(answer).toMatchObject({ rsp: 'fail', res: '4003' });
  });
});
