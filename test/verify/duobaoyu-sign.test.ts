import { appendAppSecretParam, duobaoyuStringToSign, signDuobaoyu, verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';

// The vector of shared/specs/SIGNING.md, "Duobaoyu".
const SYSTEM = { method: 'dby.scm.aftersale.apply', appKey: 'TEST_APP_KEY', timestamp: '1670223623000', version: 'v1' };
const SECRET = 'TEST_APP_SECRET';
const BODY = JSON.parse(
  '{"orderItemId":"1595302620191391744","afterSaleType":4,"buyerReceived":"false","applyNum":1,"reason":"商品破损","vouchers":["https://img.example.com/a.jpg"],"pickup":{"zip":"200000","name":"张三"}}',
);
const VECTOR_STRING =
  'afterSaleType=4&appKey=TEST_APP_KEY&applyNum=1&buyerReceived=false&method=dby.scm.aftersale.apply&orderItemId=1595302620191391744&pickup={"name":"张三","zip":"200000"}&reason=商品破损&timestamp=1670223623000&version=v1&vouchers=["https://img.example.com/a.jpg"]&appSecret=TEST_APP_SECRET';

describe('Duobaoyu sign', () => {
  it('builds the string of SIGNING.md from the vector', () => {
    expect(appendAppSecretParam(duobaoyuStringToSign(SYSTEM, BODY), SECRET)).toBe(VECTOR_STRING);
  });

  it('signs the vector to the sign of SIGNING.md', () => {
    expect(signDuobaoyu(SYSTEM, BODY, SECRET)).toBe('AD01AEEEEC9E9D3A61DA9DF0276FFC08');
  });

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
    expect(signDuobaoyu(SYSTEM, BODY, SECRET, secretFirst)).not.toBe('AD01AEEEEC9E9D3A61DA9DF0276FFC08');
  });

  it('verifies the vector sign and rejects a different one', () => {
    expect(verifyDuobaoyuSign(SYSTEM, BODY, SECRET, 'AD01AEEEEC9E9D3A61DA9DF0276FFC08')).toBe(true);
    expect(verifyDuobaoyuSign(SYSTEM, { ...BODY, applyNum: 2 }, SECRET, 'AD01AEEEEC9E9D3A61DA9DF0276FFC08')).toBe(false);
  });
});
