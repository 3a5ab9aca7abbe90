import VECTORS from '../fixtures/signing-vectors.json';
import { glitzcloudStringToSign, signGlitzcloud, verifyGlitzcloudSign } from '../../src/verify/glitzcloud-sign';

// The documented vector itself runs in signing-vectors.test.ts; these tests vary it.
const { apikey, secretkey, sign: VECTOR_SIGN } = VECTORS.glitzcloud;
const CREDENTIALS = { apikey, secretkey };
const PARAMS = { ...VECTORS.glitzcloud.params, attachments: VECTORS.glitzcloud.attachments };

describe('Glitzcloud sign', () => {
  it('leaves attachments and sign out of the signed string', () => {
    const withSign = { ...PARAMS, sign: 'whatever', attachments: [{ name: 'other', content: 'eA==' }] };
    expect(signGlitzcloud(withSign, CREDENTIALS)).toBe(VECTOR_SIGN);
  });

  it('signs a nested value as the word Array, as Core::sign\'s PHP string conversion does (a JSON string is signed as its text)', () => {
    expect(glitzcloudStringToSign({ p: [{ a: 1 }] }, { apikey: 'k', secretkey: 's' })).toBe('apikeykpArraysecretkeys');
    expect(glitzcloudStringToSign({ p: '[{"a":1}]' }, { apikey: 'k', secretkey: 's' })).toBe('apikeykp[{"a":1}]secretkeys');
  });

  it('verifies a body that carries the right sign and rejects a tampered one', () => {
    const body = { ...PARAMS, apikey: CREDENTIALS.apikey, sign: VECTOR_SIGN };
    expect(verifyGlitzcloudSign(body, CREDENTIALS)).toBe(true);
    expect(verifyGlitzcloudSign({ ...body, reason: 'lost' }, CREDENTIALS)).toBe(false);
  });
});
