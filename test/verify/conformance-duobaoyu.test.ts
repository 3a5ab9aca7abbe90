import CASES from '../fixtures/conformance/duobaoyu-sign.json';
import { appendAppSecretParam, duobaoyuStringToSign, signDuobaoyu, verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';

/**
 * test/fixtures/conformance/duobaoyu-sign.json: what Duobaoyu's PHP SDK (SignUtil::sign over
 * array_merge(system params, json_decode(body, true))) computes for each body text
 * (test/fixtures/conformance/README.md). Each body text is fed to src/verify/duobaoyu-sign.ts as received.
 */
interface DuobaoyuCase {
  name: string;
  appKey: string;
  appSecret: string;
  method: string;
  timestamp: string;
  version: string;
  bodyText: string;
  sdkBodyText: string;
  expectedSign: string;
  stringToSign: string;
}
const cases = CASES as unknown as DuobaoyuCase[];
const systemOf = (c: DuobaoyuCase) => ({ method: c.method, appKey: c.appKey, timestamp: c.timestamp, version: c.version });

describe('Duobaoyu sign, the PHP SDK cases, through src/verify', () => {
  it('covers all 24 cases of the fixture', () => {
    expect(cases).toHaveLength(24);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the string to sign is the SDK\'s', (_name, c) => {
    expect(appendAppSecretParam(duobaoyuStringToSign(systemOf(c), c.bodyText), c.appSecret)).toBe(c.stringToSign);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the sign is the SDK\'s', (_name, c) => {
    expect(signDuobaoyu(systemOf(c), c.bodyText, c.appSecret)).toBe(c.expectedSign);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the body the SDK itself posts verifies with the same sign', (_name, c) => {
    expect(verifyDuobaoyuSign(systemOf(c), c.sdkBodyText, c.appSecret, c.expectedSign)).toBe(true);
  });
});
