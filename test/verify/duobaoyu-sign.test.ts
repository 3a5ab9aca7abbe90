import VECTORS from '../fixtures/signing-vectors.json';
import { duobaoyuStringToSign, signDuobaoyu, verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';

// The documented vector itself runs in signing-vectors.test.ts; these tests vary it.
const { system: SYSTEM, appSecret: SECRET, sign: VECTOR_SIGN } = VECTORS.duobaoyu;
const BODY = JSON.parse(VECTORS.duobaoyu.bodyText);

describe('Duobaoyu sign', () => {
  it('prints top-level booleans the PHP way (true as 1, false as empty) and keeps nested ones as JSON', () => {
    expect(duobaoyuStringToSign(SYSTEM, { a: true, b: false, c: { d: true } })).toBe(
      'a=1&appKey=TEST_APP_KEY&b=&c={"d":true}&method=dby.scm.aftersale.apply&timestamp=1670223623000&version=v1',
    );
  });

  it('drops null values at every depth', () => {
    expect(duobaoyuStringToSign(SYSTEM, { a: null, p: { z: null, y: '1' } })).toMatch(/^appKey=TEST_APP_KEY&method=.*&p=\{"y":"1"\}&/);
  });

  it('uses a swapped secret strategy when one is given', () => {
    const secretFirst = (joined: string, secret: string) => `${secret}${joined}${secret}`;
    expect(signDuobaoyu(SYSTEM, BODY, SECRET, secretFirst)).not.toBe(VECTOR_SIGN);
  });

  it('verifies the vector sign and rejects a different one', () => {
    expect(verifyDuobaoyuSign(SYSTEM, BODY, SECRET, VECTOR_SIGN)).toBe(true);
    expect(verifyDuobaoyuSign(SYSTEM, { ...BODY, applyNum: 2 }, SECRET, VECTOR_SIGN)).toBe(false);
  });
});
