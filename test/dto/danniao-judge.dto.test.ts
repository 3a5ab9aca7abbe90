import fs from 'fs';
import path from 'path';
import { DanniaoJudgeDto, MAX_RESPONSIBILITY_PACKAGES } from '../../src/dto/danniao-judge.dto';
import { MAX_BODY_DEPTH, validateDto } from '../../src/dto/validate-dto';
import { parsePushJson } from '../../src/json/push-json';

const FIXTURE = path.join(__dirname, '../fixtures/danniao-judge-request.json');

/** A fresh copy of the spec's sample push. */
function sample(): Record<string, any> {
  return JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
}

/** The sample push after `change`. */
function sampleWith(change: (body: Record<string, any>) => void): Record<string, any> {
  const body = sample();
  change(body);
  return body;
}

function validate(body: unknown) {
  return validateDto(DanniaoJudgeDto, body);
}

/** A refusal of `fieldPath` with `complaint` in its English message (its problem id has tests of its own below). */
function failure(fieldPath: string, complaint: string) {
  return expect.objectContaining({ ok: false, path: fieldPath, message: `${fieldPath} ${complaint}` });
}

describe('danniao.judge push: valid bodies', () => {
  it('accepts the spec sample as it is', () => {
    const result = validate(sample());
    expect(result.ok).toBe(true);
  });

  it('returns a DanniaoJudgeDto holding the nested DTOs and the values unconverted', () => {
    const result = validate(sample());
    if (!result.ok) throw new Error(result.message);
    expect(result.value).toBeInstanceOf(DanniaoJudgeDto);
    expect(result.value.judgeResult?.warehouseRatio).toBe(100);
    expect(result.value.claimInfo?.claimAmount).toBe(749);
    expect(result.value.responsibilityPackageNos).toEqual(['']);
  });

  it('accepts an empty object: every field is optional', () => {
    expect(validate({}).ok).toBe(true);
  });

  it('accepts unknown extra fields, at the top level and inside nested objects', () => {
    const body = sampleWith((b) => {
      b.newQimenField = { anything: [1, 'two'] };
      b.judgeResult.extraNote = 'x';
    });
    expect(validate(body).ok).toBe(true);
  });

  it('accepts ratios with two decimals summing to exactly 100', () => {
    const body = sampleWith((b) => {
      b.judgeResult.warehouseRatio = 70.01;
      b.judgeResult.deliveryRatio = 29.99;
    });
    expect(validate(body).ok).toBe(true);
  });

  it('accepts a time of 0 (not set)', () => {
    const body = sampleWith((b) => (b.paymentInfo.paymentChargeTime = 0));
    expect(validate(body).ok).toBe(true);
  });

  it('accepts a description of 2000 Chinese characters', () => {
    const body = sampleWith((b) => (b.description = '临'.repeat(2000)));
    expect(validate(body).ok).toBe(true);
  });

  it(`accepts ${MAX_RESPONSIBILITY_PACKAGES} responsibility package numbers`, () => {
    const body = sampleWith((b) => (b.responsibilityPackageNos = new Array(MAX_RESPONSIBILITY_PACKAGES).fill('PKG_0001')));
    expect(validate(body).ok).toBe(true);
  });

  it('keeps the list of package numbers as parsed, not a copy of it (a big push holds one list)', () => {
    const body = sample();
    const result = validate(body) as { ok: true; value: DanniaoJudgeDto };
    expect(result.value.responsibilityPackageNos).toBe(body.responsibilityPackageNos);
  });

  it('copies a list that holds objects, dropping their prototype keys', () => {
    const body = sampleWith((b) => (b.extraList = [JSON.parse('{"a":1,"__proto__":{"polluted":true},"constructor":"x"}')]));
    const result = validate(body) as { ok: true; value: Record<string, any> };
    expect(result.ok).toBe(true);
    expect(result.value.extraList).not.toBe(body.extraList);
    expect(result.value.extraList).toEqual([{ a: 1 }]);
    expect(Object.prototype.hasOwnProperty.call(result.value.extraList[0], '__proto__')).toBe(false);
  });
});

describe('danniao.judge push: each rule names the failing field', () => {
  it('rejects a ratio greater than 100', () => {
    const body = sampleWith((b) => (b.judgeResult.warehouseRatio = 100.5));
    expect(validate(body)).toEqual(failure('judgeResult.warehouseRatio', 'must not be greater than 100'));
  });

  it('rejects a negative ratio', () => {
    const body = sampleWith((b) => (b.judgeResult.deliveryRatio = -1));
    expect(validate(body)).toEqual(failure('judgeResult.deliveryRatio', 'must not be less than 0'));
  });

  it('rejects a ratio with three decimals', () => {
    const body = sampleWith((b) => (b.judgeResult.warehouseRatio = 33.333));
    expect(validate(body)).toEqual(failure('judgeResult.warehouseRatio', 'must have at most 2 decimal places'));
  });

  it('rejects warehouseRatio + deliveryRatio greater than 100', () => {
    const body = sampleWith((b) => {
      b.judgeResult.warehouseRatio = 60.15;
      b.judgeResult.deliveryRatio = 39.86;
    });
    expect(validate(body)).toEqual(
      failure('judgeResult.deliveryRatio', '+ warehouseRatio must not be greater than 100'),
    );
  });

  it('accepts an amount with three decimals (it is rounded to the fen and flagged when stored)', () => {
    const body = sampleWith((b) => (b.claimInfo.unitPrice = 7.499));
    expect(validate(body).ok).toBe(true);
  });

  it('reads numbers from their text as sent: a ratio past a float\'s precision is not 33.33', () => {
    const text = JSON.stringify(sample()).replace('"warehouseRatio":100', '"warehouseRatio":33.3300000000000000001');
    expect(validate(parsePushJson(text))).toEqual(failure('judgeResult.warehouseRatio', 'must have at most 2 decimal places'));
  });

  it('reads an integer field exactly: 2147483647.0000000000000001 is no integer', () => {
    const text = JSON.stringify(sample()).replace('"workOrderType":2', '"workOrderType":2147483647.0000000000000001');
    expect(validate(parsePushJson(text))).toEqual(failure('workOrderType', 'must be an integer'));
  });

  it('rejects an amount written in more characters than are kept', () => {
    const text = JSON.stringify(sample()).replace('"unitPrice":0', `"unitPrice":7.${'4'.repeat(40)}`);
    expect(validate(parsePushJson(text))).toEqual(failure('claimInfo.unitPrice', 'must be written in at most 32 characters'));
  });

  it('rejects a negative amount', () => {
    const body = sampleWith((b) => (b.paymentInfo.paymentAmount = -0.01));
    expect(validate(body)).toEqual(failure('paymentInfo.paymentAmount', 'must not be less than 0'));
  });

  it('rejects an amount above 10^12', () => {
    const body = sampleWith((b) => (b.judgeResult.claimAmount = 1e13));
    expect(validate(body)).toEqual(failure('judgeResult.claimAmount', 'must not be greater than 1000000000000'));
  });

  it('rejects a lower-case currency code', () => {
    const body = sampleWith((b) => (b.claimInfo.unitPriceCurrency = 'cny'));
    expect(validate(body)).toEqual(
      failure('claimInfo.unitPriceCurrency', 'must be a currency code of three upper-case letters, e.g. CNY'),
    );
  });

  it('rejects a numeric string for a Number field, without converting it', () => {
    const body = sampleWith((b) => (b.judgeResult.claimAmount = '89.9'));
    expect(validate(body)).toEqual(failure('judgeResult.claimAmount', 'must be a number'));
  });

  it('rejects a number for a String field', () => {
    const body = sampleWith((b) => (b.lpCode = 123456789));
    expect(validate(body)).toEqual(failure('lpCode', 'must be a string'));
  });

  it('rejects a string for a Boolean field', () => {
    const body = sampleWith((b) => (b.judgeResult.established = 'true'));
    expect(validate(body)).toEqual(failure('judgeResult.established', 'must be a boolean value'));
  });

  it('rejects null for a field: absent is allowed, null is not a value of the spec type', () => {
    const body = sampleWith((b) => (b.bizType = null));
    expect(validate(body)).toEqual(failure('bizType', 'must be a string'));
  });

  it('rejects a fractional count', () => {
    const body = sampleWith((b) => (b.claimInfo.totalQty = 1.5));
    expect(validate(body)).toEqual(failure('claimInfo.totalQty', 'must be an integer'));
  });

  it('rejects a negative count', () => {
    const body = sampleWith((b) => (b.creatorInfo.role = -1));
    expect(validate(body)).toEqual(failure('creatorInfo.role', 'must not be less than 0'));
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'CN_USER_10001'],
  ])('rejects %s for a nested object', (_what, value) => {
    const body = sampleWith((b) => (b.creatorInfo = value));
    expect(validate(body)).toEqual(failure('creatorInfo', 'must be an object'));
  });

  it('rejects a negative time', () => {
    const body = sampleWith((b) => (b.paymentInfo.paymentChargeTime = -1));
    expect(validate(body)).toEqual(failure('paymentInfo.paymentChargeTime', 'must not be less than 0'));
  });

  it('rejects a fractional time', () => {
    const body = sampleWith((b) => (b.paymentInfo.paymentCreateTime = 1731300000000.5));
    expect(validate(body)).toEqual(failure('paymentInfo.paymentCreateTime', 'must be an integer'));
  });

  it('rejects a time after the year 9999', () => {
    const body = sampleWith((b) => (b.paymentInfo.paymentCreateTime = 253402300800000));
    expect(validate(body)).toEqual(
      failure('paymentInfo.paymentCreateTime', 'must not be greater than 253402300799999'),
    );
  });

  it('rejects a package list holding a number, naming its index', () => {
    const body = sampleWith((b) => (b.responsibilityPackageNos = ['PKG_1', 'PKG_2', 3, 'PKG_4']));
    expect(validate(body)).toEqual(failure('responsibilityPackageNos[2]', 'must be a string'));
  });

  it('rejects a package number longer than 64 characters, naming its index', () => {
    const body = sampleWith((b) => (b.responsibilityPackageNos = ['', 'P'.repeat(65)]));
    expect(validate(body)).toEqual(failure('responsibilityPackageNos[1]', 'must be at most 64 characters long'));
  });

  it('rejects a package list that is not an array', () => {
    const body = sampleWith((b) => (b.responsibilityPackageNos = 'PKG_1'));
    expect(validate(body)).toEqual(failure('responsibilityPackageNos', 'must be an array'));
  });

  it(`rejects ${MAX_RESPONSIBILITY_PACKAGES + 1} responsibility package numbers`, () => {
    const body = sampleWith((b) => (b.responsibilityPackageNos = new Array(MAX_RESPONSIBILITY_PACKAGES + 1).fill('')));
    expect(validate(body)).toEqual(failure('responsibilityPackageNos', 'must contain at most 999999 items'));
  });

  it('rejects a description longer than 2000 characters', () => {
    const body = sampleWith((b) => (b.description = 'x'.repeat(2001)));
    expect(validate(body)).toEqual(failure('description', 'must be at most 2000 characters long'));
  });

  it('reports the first failing field in the spec order, whatever the JSON key order', () => {
    const body = { waybillNo: 1, judgeResult: { warehouseRatio: 101 }, bizType: 2 };
    expect(validate(body)).toEqual(failure('bizType', 'must be a string'));
  });
});

describe('danniao.judge push: the body itself', () => {
  it.each([
    ['an array', []],
    ['null', null],
    ['a string', '{"bizType":"X"}'],
    ['a number', 42],
  ])('rejects %s as the body', (_what, body) => {
    expect(validate(body)).toEqual({ ok: false, path: '', problem: { id: 'not-object', params: {} }, message: 'the body must be a JSON object' });
  });

  it('rejects a body nested deeper than the limit instead of overflowing the stack', () => {
    const deep = JSON.parse(`{"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(validate(deep)).toEqual({
      ok: false,
      path: '',
      problem: { id: 'too-deep', params: { max: MAX_BODY_DEPTH } },
      message: `the body must not be nested more than ${MAX_BODY_DEPTH} levels deep`,
    });
  });
});

describe('danniao.judge push: prototype keys are harmless', () => {
  const hostile =
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},' +
    '"extra":{"constructor":5,"__proto__":[]},"responsibilityPackageNos":[{"constructor":null}],' +
    '"judgeResult":{"__proto__":{"polluted":"yes"},"constructor":{},"warehouseRatio":100}}';

  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('does not modify Object.prototype', () => {
    validate(JSON.parse(hostile));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still applies the DTO rules to an object carrying prototype keys', () => {
    const body = JSON.parse(hostile.replace('"warehouseRatio":100', '"warehouseRatio":500'));
    expect(validate(body)).toEqual(failure('judgeResult.warehouseRatio', 'must not be greater than 100'));
  });

  it('reports the bad list item rather than crashing on an object with a "constructor" key', () => {
    expect(validate(JSON.parse(hostile))).toEqual(failure('responsibilityPackageNos[0]', 'must be a string'));
  });

  it('does not let list fields named after Object methods replace those methods', () => {
    const result = validate(JSON.parse('{"toString":["x"],"hasOwnProperty":[1],"responsibilityPackageNos":["P"]}'));
    if (!result.ok) throw new Error(result.message);
    expect(String(result.value)).toBe('[object Object]');
    expect(Object.hasOwn(result.value, 'responsibilityPackageNos')).toBe(true);
  });

  it('accepts unknown fields carrying prototype keys, leaving them out of the value', () => {
    const result = validate(JSON.parse('{"extra":{"constructor":5,"__proto__":{"x":1},"kept":true}}'));
    if (!result.ok) throw new Error(result.message);
    expect((result.value as unknown as { extra: unknown }).extra).toEqual({ kept: true });
  });
});

describe('danniao.judge push: each refusal names its problem as an id with its parameters', () => {
  const problemOf = (change: (body: Record<string, any>) => void) => {
    const result = validate(sampleWith(change));
    return result.ok ? null : { path: result.path, problem: result.problem };
  };
  it.each([
    ['a number for a String field', (b: any) => (b.lpCode = 12), { path: 'lpCode', problem: { id: 'not-string', params: {} } }],
    ['a ratio over 100', (b: any) => (b.judgeResult.warehouseRatio = 101), { path: 'judgeResult.warehouseRatio', problem: { id: 'too-large', params: { max: 100 } } }],
    ['a negative amount', (b: any) => (b.paymentInfo.paymentAmount = -1), { path: 'paymentInfo.paymentAmount', problem: { id: 'negative', params: {} } }],
    ['a string for an amount', (b: any) => (b.judgeResult.claimAmount = '1'), { path: 'judgeResult.claimAmount', problem: { id: 'not-number', params: {} } }],
    ['a lower-case currency', (b: any) => (b.claimInfo.unitPriceCurrency = 'cny'), { path: 'claimInfo.unitPriceCurrency', problem: { id: 'not-currency-code', params: {} } }],
    ['ratios over 100 together', (b: any) => Object.assign(b.judgeResult, { warehouseRatio: 60, deliveryRatio: 50 }), {
      path: 'judgeResult.deliveryRatio', problem: { id: 'sum-over-100', params: { other: 'warehouseRatio' } },
    }],
    ['a string for a Boolean field', (b: any) => (b.judgeResult.established = 'yes'), { path: 'judgeResult.established', problem: { id: 'not-boolean', params: {} } }],
    ['a string for a nested object', (b: any) => (b.creatorInfo = 'x'), { path: 'creatorInfo', problem: { id: 'not-object', params: {} } }],
    ['a number in the package list', (b: any) => (b.responsibilityPackageNos = ['P1', 7]), {
      path: 'responsibilityPackageNos[1]', problem: { id: 'not-string', params: {}, index: 1 },
    }],
  ] as Array<[string, (b: any) => void, unknown]>)('%s', (_what, change, expected) => {
    expect(problemOf(change)).toEqual(expected);
  });

  it('names a body that is not an object, or nested too deep, as the whole body', () => {
    expect(validate([1])).toMatchObject({ ok: false, path: '', problem: { id: 'not-object' } });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(validate({ x: deep })).toMatchObject({ ok: false, path: '', problem: { id: 'too-deep', params: { max: 32 } } });
  });
});
