import { request } from 'node:http';
import CASES from '../fixtures/conformance/qimen-spi.json';
import { parseQimenTimestamp } from '../../src/verify/qimen-timestamp';
import {
  parseQimenQuery, qimenParamString, qimenSign, QimenSignMethod, signedParams, verifyQimenRequest,
} from '../../src/verify/qimen-sign';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { conformanceVerdicts } from './conformance-verdict';

/**
 * test/fixtures/conformance/qimen-spi.json: what Alibaba's Java SDK (SpiUtils, TaobaoUtils) computes for
 * each request (test/fixtures/conformance/README.md). Every case is fed to the service's own reading of a
 * push: the verify code, then POST /qimen. Where the service deliberately differs, the case is listed in
 * DELIBERATE with the service's verdict, and docs/conformance.md says why.
 */
interface QimenCase {
  name: string;
  secret: string;
  signMethod: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
  sign: string | null;
  sdkAccepts: boolean;
  sdkExpectedSign: string | null;
  sdkParamString: string | null;
}
const cases = CASES as unknown as QimenCase[];

const { verdict, title } = conformanceVerdicts<QimenCase>(
  { 'md5: sign in lower-case hex': { accepts: true, rule: 'looser than the SDK: hex compared case-insensitively' } },
  (c) => c.sdkAccepts,
  'the SDK',
);

describe('Qimen push signature, the SDK cases, through src/verify', () => {
  it('covers all 50 cases of the fixture', () => {
    expect(cases).toHaveLength(50);
  });

  it.each(cases.map((c) => [title(c), c] as const))('%s', (_title, c) => {
    const query = parseQimenQuery(c.rawQuery);
    const accepted = verifyQimenRequest({
      signMethod: c.signMethod as QimenSignMethod, secret: c.secret, query, headers: c.headers, body: Buffer.from(c.body, 'utf8'),
    });
    expect(accepted).toBe(verdict(c));
  });

  const computed = cases.filter((c) => c.sdkParamString !== null);
  it.each(computed.map((c) => [c.name, c] as const))('%s: the parameter text and sign are the SDK\'s', (_name, c) => {
    const method = c.signMethod as QimenSignMethod;
    const params = signedParams(parseQimenQuery(c.rawQuery), c.headers);
    expect(qimenParamString(method, params)).toBe(c.sdkParamString);
    expect(qimenSign(method, c.secret, params, Buffer.from(c.body, 'utf8'))).toBe(c.sdkExpectedSign);
  });

  it('reads the sign as getQueryMap does (the value the fixture names)', () => {
    for (const c of cases) expect(parseQimenQuery(c.rawQuery).get('sign') ?? null).toBe(c.sign);
  });
});

describe.each(TEST_DATABASES)('Qimen push signature, the SDK cases, through POST /qimen on %s', (kind) => {
  let svc: TestService;
  // The cases' timestamp is 2024-11-11 12:40:00 (Beijing): the service's clock is set to it.
  const at = parseQimenTimestamp('2024-11-11 12:40:00')!;

  beforeAll(async () => {
    svc = await startTestService(kind, {}, { now: () => at });
  });
  afterAll(() => svc.close());

  /** POSTs the case exactly as written: raw query text, the headers, the body's UTF-8 bytes. */
  function post(c: QimenCase): Promise<{ errorId: string }> {
    const url = new URL(svc.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: `/qimen?${c.rawQuery}`, headers: c.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      req.end(Buffer.from(c.body, 'utf8'));
    });
  }

  it.each(cases.map((c) => [title(c), c] as const))('%s', async (_title, c) => {
    const answer = await post(c);
    // A verified push goes on to its method's checks (these bodies are no judgment: invalid-parameter).
    if (verdict(c)) expect(answer.errorId).not.toBe('sign-check-failure');
    else expect(answer.errorId).toBe('sign-check-failure');
  });
});
