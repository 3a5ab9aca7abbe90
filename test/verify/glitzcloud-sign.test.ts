import { glitzcloudStringToSign, signGlitzcloud, verifyGlitzcloudSign } from '../../src/verify/glitzcloud-sign';

// The vector of shared/specs/SIGNING.md, "Glitzcloud".
const CREDENTIALS = { apikey: '85082f5f62a811e684f500163e06045f', secretkey: '85082f6862a811e684f500163e06045f' };
const PARAMS = {
  store_name: 'TWUSA01',
  order_sn: 'OUT-20240102-0001',
  reason: 'damaged',
  products: '[{"sku":"SKU-1","quantity":1}]',
  attachments: [{ name: 'a.pdf', content: 'YmFzZTY0' }],
};

describe('Glitzcloud sign', () => {
  it('signs the vector to the sign of SIGNING.md', () => {
    expect(signGlitzcloud(PARAMS, CREDENTIALS)).toBe('a0e81a8929e70da0ba19daa3795994d8');
  });

  it('leaves attachments and sign out of the signed string', () => {
    const withSign = { ...PARAMS, sign: 'whatever', attachments: [{ name: 'other', content: 'eA==' }] };
    expect(signGlitzcloud(withSign, CREDENTIALS)).toBe('a0e81a8929e70da0ba19daa3795994d8');
  });

  it('signs a nested value as the word Array, as Core::sign\'s PHP string conversion does (a JSON string is signed as its text)', () => {
    expect(glitzcloudStringToSign({ p: [{ a: 1 }] }, { apikey: 'k', secretkey: 's' })).toBe('apikeykpArraysecretkeys');
    expect(glitzcloudStringToSign({ p: '[{"a":1}]' }, { apikey: 'k', secretkey: 's' })).toBe('apikeykp[{"a":1}]secretkeys');
  });

  it('verifies a body that carries the right sign and rejects a tampered one', () => {
    const body = { ...PARAMS, apikey: CREDENTIALS.apikey, sign: 'a0e81a8929e70da0ba19daa3795994d8' };
    expect(verifyGlitzcloudSign(body, CREDENTIALS)).toBe(true);
    expect(verifyGlitzcloudSign({ ...body, reason: 'lost' }, CREDENTIALS)).toBe(false);
  });
});
