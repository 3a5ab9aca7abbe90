import { parseQimenQuery, qimenSign, signedParams, verifyQimenSign, QimenSignMethod } from '../../src/verify/qimen-sign';
import { formatQimenTimestamp, isWithinWindow, parseQimenTimestamp } from '../../src/verify/qimen-timestamp';

// The vectors of shared/specs/SIGNING.md, "Qimen push".
const SECRET = 'testsecret0123456789abcdef012345';
const BASE = 'app_key=12345678&customerId=DN_CUSTOMER_01&format=json&method=qimen.alibaba.dchain.workorder.danniao.judge&timestamp=2024-11-11+12%3A40%3A00&v=2.0';
const vectors: Array<{ body: string; extra: string; expected: Record<QimenSignMethod, string> }> = [
  {
    body: '{"workOrderId":10000001,"judgeResult":"丹鸟责任","remark":"test & 判责=1"}',
    extra: '',
    expected: {
      md5: 'C8DC45D3E320156D4476A1EEFAEF2C58',
      hmac: 'F71864905127E8ABB4C1CF37431427B3',
      'hmac-sha256': 'B73544C738AA7C02CFB76BD883C154F4D7203BDE3788FD5D6B9828E70814F63A',
    },
  },
  {
    body: '{"workOrderId":10000001}',
    extra: '&target_app_key=87654321&partner_id=top-sdk-java-20200706',
    expected: {
      md5: '308F831B8FC5F2C263872F6A38057FEA',
      hmac: 'EE7D756251221A1602EDC72E21DCCE8C',
      'hmac-sha256': '675A7241F8879D8B98ACEB097A90FA819CE3805F39C5CCCCB2E7C9F77F51A4BB',
    },
  },
];

describe('Qimen signatures (SIGNING.md vectors)', () => {
  for (const [i, v] of vectors.entries()) {
    for (const method of ['md5', 'hmac', 'hmac-sha256'] as const) {
      it(`vector ${i + 1} signs to the documented ${method} value`, () => {
        const query = parseQimenQuery(`${BASE}${v.extra}&sign_method=${method}&sign=IGNORED`);
        const params = signedParams(query, {});
        expect(qimenSign(method, SECRET, params, Buffer.from(v.body, 'utf8'))).toBe(v.expected[method]);
      });
    }
  }

  it('accepts the documented signature in lower case', () => {
    const v = vectors[0];
    const params = signedParams(parseQimenQuery(`${BASE}&sign_method=md5`), {});
    expect(verifyQimenSign('md5', SECRET, params, Buffer.from(v.body), v.expected.md5.toLowerCase())).toBe(true);
  });

  it('rejects a signature over a body changed by one byte', () => {
    const v = vectors[0];
    const params = signedParams(parseQimenQuery(`${BASE}&sign_method=md5`), {});
    expect(verifyQimenSign('md5', SECRET, params, Buffer.from(v.body + ' '), v.expected.md5)).toBe(false);
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
