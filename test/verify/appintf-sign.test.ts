import { applyAppintfSigner, noopAppintfSigner, verifyAppintfSign, AppintfSigner } from '../../src/verify/appintf-sign';

// appintf publishes no sign rule and no vector (docs/signing.md): only the hook is tested.
const PARAMS = { orderId: '123456', causeType: '1', cause: '商品损坏', proofs: 'http://url,http://url' };
const joinSigner: AppintfSigner = (params) => Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('|');

describe('appintf signer hook', () => {
  it('adds nothing with the default no-op signer', () => {
    expect(applyAppintfSigner(PARAMS, noopAppintfSigner)).toEqual(PARAMS);
  });

  it('adds a sign param computed over the other params when a signer is configured', () => {
    const signed = applyAppintfSigner(PARAMS, joinSigner);
    expect(signed.sign).toBe(joinSigner(PARAMS));
    expect(verifyAppintfSign(signed, joinSigner)).toBe(true);
  });

  it('fails verification when a signer is configured and the sign does not match', () => {
    expect(verifyAppintfSign({ ...PARAMS, sign: 'bad' }, joinSigner)).toBe(false);
  });

  it('accepts any request when no signer is configured', () => {
    expect(verifyAppintfSign(PARAMS, noopAppintfSigner)).toBe(true);
  });
});
