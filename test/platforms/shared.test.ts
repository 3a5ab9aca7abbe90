import { FieldRuleError, integerField, stringListField, textField } from '../../src/platforms/shared/field-rules';
import { readJsonReply, TRANSPORT_ERROR_RULES } from '../../src/platforms/shared/transport-errors';
import { redactQuery } from '../../src/platforms/shared/redact';

describe('field rules', () => {
  it('reads an integer given as decimal text', () => {
    expect(integerField({ n: ' 4 ' }, 'n')).toBe(4);
  });

  it('refuses a fractional integer field', () => {
    expect(() => integerField({ n: 1.5 }, 'n')).toThrow(FieldRuleError);
  });

  it('treats an empty string (an unresolved placeholder) as absent', () => {
    expect(textField({ s: '' }, 's')).toBeUndefined();
    expect(() => textField({ s: '' }, 's', { required: true })).toThrow('s is required');
  });

  it('counts a length limit in UTF-16 units', () => {
    expect(() => textField({ s: '😀'.repeat(51) }, 's', { maxLength: 100 })).toThrow(FieldRuleError);
  });

  it('splits a comma-separated list and drops empty items', () => {
    expect(stringListField({ l: 'a, b,,' }, 'l')).toEqual(['a', 'b']);
  });
});

describe('transport classification', () => {
  it('retries a 503 as ambiguous', () => {
    expect(readJsonReply({ kind: 'response', status: 503, body: '' })).toEqual({
      outcome: { kind: 'retryable', code: 'http_503', message: '', ambiguous: true, words: expect.objectContaining({ id: 'http-status', params: { status: 503, answer: '' } }) },
    });
  });

  it('retries a 408 as not ambiguous', () => {
    expect(readJsonReply({ kind: 'response', status: 408, body: '' })).toMatchObject({ outcome: { kind: 'retryable', ambiguous: false } });
  });

  it('makes a non-JSON 404 terminal', () => {
    expect(readJsonReply({ kind: 'response', status: 404, body: 'Not Found' })).toMatchObject({ outcome: { kind: 'terminal', code: 'http_404' } });
  });

  it('hands a JSON body to the platform, whatever the status', () => {
    expect(readJsonReply({ kind: 'response', status: 400, body: '{"status":400}' })).toEqual({ status: 400, json: { status: 400 } });
  });

  it('retries a connect failure as not ambiguous and a timeout as ambiguous', () => {
    expect(TRANSPORT_ERROR_RULES.connect_failed).toMatchObject({ class: 'retryable', ambiguous: false });
    expect(TRANSPORT_ERROR_RULES.timeout).toMatchObject({ class: 'retryable', ambiguous: true });
  });
});

describe('redaction', () => {
  it('replaces a query parameter\'s value and keeps the others', () => {
    expect(redactQuery('http://h/p?a=1&sign=ABC', ['sign'])).toBe('http://h/p?a=1&sign=%5Bredacted%5D');
  });
});
