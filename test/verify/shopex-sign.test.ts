import { assembleShopexParams, signShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';
import VECTORS from '../fixtures/signing-vectors.json';

// The documented vector itself runs in signing-vectors.test.ts; these tests vary it.
const { token: TOKEN, params: VECTOR_PARAMS, sign: VECTOR_SIGN } = VECTORS.shopex;

describe('ShopEx sign', () => {
  it('ignores a sign already among the params', () => {
    expect(signShopexParams({ ...VECTOR_PARAMS, sign: 'X' }, TOKEN)).toBe(VECTOR_SIGN);
  });

  it('sorts list indexes as strings, skips nulls and prints booleans as 1/0', () => {
    const list = Array.from({ length: 11 }, (_, i) => (i === 3 ? null : `v${i}`));
    expect(assembleShopexParams({ b: true, a: false, c: null, l: list })).toBe(
      'a0b1l' + '0v01v110v102v24v45v56v67v78v89v9',
    );
  });

  it('expands nested maps with sorted keys', () => {
    expect(assembleShopexParams({ x: { b: '2', a: { d: 1, c: 0 } } })).toBe('xac0d1b2');
  });

  it('verifies a callback signed with the same token', () => {
    const callback = { rsp: 'succ', res: '', err_msg: '', msg_id: 'abc', data: '{"trade":{"tid":"1"}}' };
    const sign = signShopexParams(callback, TOKEN);
    expect(verifyShopexSign({ ...callback, sign }, TOKEN)).toBe(true);
  });

  it('rejects a callback whose fields changed after signing', () => {
    const callback = { rsp: 'succ', res: '', msg_id: 'abc', data: '{}' };
    const sign = signShopexParams(callback, TOKEN);
    expect(verifyShopexSign({ ...callback, rsp: 'fail', sign }, TOKEN)).toBe(false);
  });

  it('rejects a callback without a sign', () => {
    expect(verifyShopexSign({ rsp: 'succ' }, TOKEN)).toBe(false);
  });

  it('rejects a sign of the wrong length without throwing', () => {
    expect(verifyShopexSign({ rsp: 'succ', sign: 'ABC' }, TOKEN)).toBe(false);
  });
});
