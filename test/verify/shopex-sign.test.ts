import { assembleShopexParams, signShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';
import { createHash } from 'node:crypto';

// The vector of shared/specs/SIGNING.md, "ShopEx matrix".
const TOKEN = 'TEST_TOKEN_0123456789abcdef';
const VECTOR_PARAMS = {
  method: 'store.trade.aftersale.add',
  certi_id: '1437884333',
  from_node_id: '1634343031',
  from_api_v: '1.0',
  to_node_id: '1838303832',
  to_api_v: '1.0',
  callback_url: 'https://example.com/shopex/callback?id=abc',
  v: '1.0',
  timestamp: '2024-01-02 03:04:05',
  format: 'json',
  tid: 'T20240102000001',
  aftersale_id: 'AS20240102000001',
  title: '售后申请',
  content: '商品破损',
  status: '1',
  created: '2024-01-02 03:04:05',
  modify: '2024-01-02 03:04:05',
  aftersale_items: '[{"sku_name":"杯子","sku_bn":"SKU-1","number":"1"}]',
};

describe('ShopEx sign', () => {
  it('hashes the assembled vector params to the inner MD5 of SIGNING.md', () => {
    const inner = createHash('md5').update(assembleShopexParams(VECTOR_PARAMS), 'utf8').digest('hex').toUpperCase();
    expect(inner).toBe('4724636C7104A12A6E93890D6B5F864D');
  });

  it('signs the vector params to the sign of SIGNING.md', () => {
    expect(signShopexParams(VECTOR_PARAMS, TOKEN)).toBe('36FB253BD831FA64895C0C8D2C9656E4');
  });

  it('ignores a sign already among the params', () => {
    expect(signShopexParams({ ...VECTOR_PARAMS, sign: 'X' }, TOKEN)).toBe('36FB253BD831FA64895C0C8D2C9656E4');
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
