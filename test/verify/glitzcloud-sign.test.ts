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

  it('JSON-encodes nested values before concatenating', () => {
    expect(glitzcloudStringToSign({ p: [{ a: 1 }] }, { apikey: 'k', secretkey: 's' })).toBe('apikeykp[{"a":1}]secretkeys');
  });

  it('verifies a body that carries the right sign and rejects a tampered one', () => {
    const body = { ...PARAMS, apikey: CREDENTIALS.apikey, sign: VECTOR_SIGN };
    expect(verifyGlitzcloudSign(body, CREDENTIALS)).toBe(true);
    expect(verifyGlitzcloudSign({ ...body, reason: 'lost' }, CREDENTIALS)).toBe(false);
  });
});
