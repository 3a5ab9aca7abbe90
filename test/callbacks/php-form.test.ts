import { parsePhpForm } from '../../src/callbacks/php-form';

const read = (body: string) => parsePhpForm(Buffer.from(body, 'latin1'));

describe('parsePhpForm decoding a value as PHP urldecode does', () => {
  it.each([
    ['a=%', '%'], ['a=%4', '%4'], ['a=x%4', 'x%4'], ['a=%zz', '%zz'], ['a=%4g', '%4g'], ['a=%%41', '%A'], ['a=%41%', 'A%'],
    ['a=1+2', '1 2'], ['a=%2B', '+'], ['a=%e4%b8%ad', '中'], ['a=%E4%B8%AD', '中'], ['a=%00', '\u0000'],
  ])('reads %j as %j', (body, value) => {
    expect(read(body)).toEqual({ fields: { a: value }, utf8: true });
  });

  it('marks escapes that decode to bytes that are not UTF-8', () => {
    expect(read('a=%ED%A0%80').utf8).toBe(false);
  });

  it('reads a megabyte of percent escapes in well under a second (it runs before the sign is checked)', () => {
    const body = `data=${'%E9%95%BF'.repeat(115_000)}`;
    const started = Date.now();
    const { fields } = read(body);
    expect(Date.now() - started).toBeLessThan(400);
    expect(fields.data).toBe('长'.repeat(115_000));
  });
});
