import { createHash } from 'node:crypto';
import VECTORS from '../fixtures/signing-vectors.json';
import { appendAppSecretParam, duobaoyuStringToSign, signDuobaoyu, verifyDuobaoyuSign } from '../../src/verify/duobaoyu-sign';
import { glitzcloudStringToSign, signGlitzcloud, verifyGlitzcloudSign } from '../../src/verify/glitzcloud-sign';
import { parseQimenQuery, QIMEN_SIGN_METHODS, qimenSign, signedParams, verifyQimenSign } from '../../src/verify/qimen-sign';
import { assembleShopexParams, signShopexParams, verifyShopexSign } from '../../src/verify/shopex-sign';

// Every vector docs/signing.md documents, run through the project's own signers and verifiers.

describe('Qimen vectors (docs/signing.md)', () => {
  const { secret, query, vectors } = VECTORS.qimen;
  for (const v of vectors) {
    for (const method of QIMEN_SIGN_METHODS) {
      const params = () => {
        const qs = new URLSearchParams([...query, ...v.extraQuery, ['sign_method', method], ['sign', v.sign[method]]] as [string, string][]);
        return signedParams(parseQimenQuery(qs.toString()), {});
      };

      it(`${v.name}: signs to the documented ${method} value`, () => {
        expect(qimenSign(method, secret, params(), Buffer.from(v.body, 'utf8'))).toBe(v.sign[method]);
      });

      it(`${v.name}: accepts the documented ${method} sign`, () => {
        expect(verifyQimenSign(method, secret, params(), Buffer.from(v.body, 'utf8'), v.sign[method])).toBe(true);
      });
    }
  }
});

describe('ShopEx vector (docs/signing.md)', () => {
  const { token, params, innerMd5, sign } = VECTORS.shopex;

  it('hashes the assembled params to the documented inner MD5', () => {
    expect(createHash('md5').update(assembleShopexParams(params), 'utf8').digest('hex').toUpperCase()).toBe(innerMd5);
  });

  it('signs the params to the documented sign', () => {
    expect(signShopexParams(params, token)).toBe(sign);
  });

  it('accepts the params carrying the documented sign', () => {
    expect(verifyShopexSign({ ...params, sign }, token)).toBe(true);
  });
});

describe('Duobaoyu vector (docs/signing.md)', () => {
  const { appSecret, system, bodyText, stringToSign, sign } = VECTORS.duobaoyu;
  const body = JSON.parse(bodyText) as Record<string, unknown>;

  it('builds the documented string to sign', () => {
    expect(appendAppSecretParam(duobaoyuStringToSign(system, body), appSecret)).toBe(stringToSign);
  });

  it('signs the body to the documented sign', () => {
    expect(signDuobaoyu(system, body, appSecret)).toBe(sign);
  });

  it('accepts the documented sign', () => {
    expect(verifyDuobaoyuSign(system, body, appSecret, sign)).toBe(true);
  });
});

describe('Glitzcloud vector (docs/signing.md)', () => {
  const { apikey, secretkey, params, attachments, stringToSign, sign } = VECTORS.glitzcloud;
  const credentials = { apikey, secretkey };

  it('builds the documented string to sign, attachments left out', () => {
    expect(glitzcloudStringToSign({ ...params, attachments }, credentials)).toBe(stringToSign);
  });

  it('signs the params to the documented sign', () => {
    expect(signGlitzcloud({ ...params, attachments }, credentials)).toBe(sign);
  });

  it('accepts a body carrying the documented sign', () => {
    expect(verifyGlitzcloudSign({ apikey, secretkey, sign, ...params, attachments }, credentials)).toBe(true);
  });
});
