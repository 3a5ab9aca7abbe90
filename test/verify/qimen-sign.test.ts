import { parseQimenQuery, qimenSign, signedParams, verifyQimenSign } from '../../src/verify/qimen-sign';
import { formatQimenTimestamp, isWithinWindow, parseQimenTimestamp } from '../../src/verify/qimen-timestamp';
import VECTORS from '../fixtures/signing-vectors.json';

// The documented vectors themselves run in signing-vectors.test.ts; these tests vary the first one.
const SECRET = VECTORS.qimen.secret;
const BASE = new URLSearchParams(VECTORS.qimen.query as [string, string][]).toString();
const V1 = VECTORS.qimen.vectors[0];

describe('Qimen signatures', () => {
  it('accepts the documented signature in lower case', () => {
    const params = signedParams(parseQimenQuery(`${BASE}&sign_method=md5`), {});
    expect(verifyQimenSign('md5', SECRET, params, Buffer.from(V1.body), V1.sign.md5.toLowerCase())).toBe(true);
  });

  it('rejects a signature over a body changed by one byte', () => {
    const params = signedParams(parseQimenQuery(`${BASE}&sign_method=md5`), {});
    expect(verifyQimenSign('md5', SECRET, params, Buffer.from(V1.body + ' '), V1.sign.md5)).toBe(false);
  });

  it('keeps an empty parameter (partner_id=) in the md5 text, as SpiUtils does', () => {
    const body = Buffer.from('{}');
    const withEmpty = signedParams(parseQimenQuery(`${BASE}&partner_id=&sign_method=md5`), {});
    const without = signedParams(parseQimenQuery(`${BASE}&sign_method=md5`), {});
    expect(qimenSign('md5', SECRET, withEmpty, body)).not.toBe(qimenSign('md5', SECRET, without, body));
  });

  it('skips an empty parameter in the hmac text, as signTopRequest does', () => {
    const body = Buffer.from('{}');
    const withEmpty = signedParams(parseQimenQuery(`${BASE}&partner_id=+&sign_method=hmac`), {});
    const without = signedParams(parseQimenQuery(`${BASE}&sign_method=hmac`), {});
    expect(qimenSign('hmac', SECRET, withEmpty, body)).toBe(qimenSign('hmac', SECRET, without, body));
  });

  it('signs the headers named by top-sign-list with the parameters', () => {
    const query = parseQimenQuery(`${BASE}&sign_method=md5`);
    const plain = signedParams(query, {});
    const withHeader = signedParams(query, { 'top-sign-list': 'x-extra', 'x-extra': 'abc' });
    expect(withHeader.get('x-extra')).toBe('abc');
    expect(qimenSign('md5', SECRET, withHeader, Buffer.from('{}'))).not.toBe(qimenSign('md5', SECRET, plain, Buffer.from('{}')));
  });
});

describe('Qimen timestamps', () => {
  it('reads yyyy-MM-dd HH:mm:ss as Beijing time', () => {
    expect(parseQimenTimestamp('2024-11-11 12:40:00')).toBe(Date.UTC(2024, 10, 11, 4, 40, 0));
  });

  it.each(['2024-11-11T12:40:00', '2024-02-30 10:00:00', '2024-11-11 24:00:00', '', '1731300000000'])('rejects %p', (text) => {
    expect(parseQimenTimestamp(text)).toBeNull();
  });

  it('formats back to the same text', () => {
    expect(formatQimenTimestamp(Date.UTC(2024, 10, 11, 4, 40, 0))).toBe('2024-11-11 12:40:00');
  });

  it('accepts a timestamp inside the window either way and rejects one outside', () => {
    const now = 1_700_000_000_000;
    expect(isWithinWindow(now - 600_000, now, 600)).toBe(true);
    expect(isWithinWindow(now + 600_000, now, 600)).toBe(true);
    expect(isWithinWindow(now - 601_000, now, 600)).toBe(false);
    expect(isWithinWindow(now + 601_000, now, 600)).toBe(false);
  });
});
