import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import fc from 'fast-check';
import { ClaimInfoDto, DanniaoJudgeDto } from '../../src/dto/danniao-judge.dto';
import { instantiate } from '../../src/dto/instantiate';
import { specExample } from '../support/qimen-push';

/** An instance tree as data: every object's class name and own fields, so two trees compare with toEqual. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value !== 'object' || value === null) return value;
  return { class: value.constructor?.name ?? null, fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) };
}

const byClassTransformer = (plain: Record<string, unknown>) => plainToInstance(DanniaoJudgeDto, plain, { enableImplicitConversion: false });

/** Keys of the DTOs, of Object.prototype's methods, and others; never the prototype keys validateDto drops first. */
const key = fc.oneof(
  fc.constantFrom('creatorInfo', 'claimInfo', 'judgeResult', 'paymentInfo', 'responsibilityPackageNos', 'tenantId', 'claimAmount', 'toString', 'valueOf', 'hasOwnProperty'),
  fc.string({ maxLength: 6 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue({ maxDepth: 0 }), tie('object'), fc.array(tie('tree'), { maxLength: 4 })),
  object: fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
}));

describe('instantiate: parsed JSON as DTO instances', () => {
  it('gives the spec example the same instances as class-transformer', () => {
    const plain = specExample();
    expect(shape(instantiate(DanniaoJudgeDto, structuredClone(plain)))).toEqual(shape(byClassTransformer(structuredClone(plain))));
    expect(instantiate(DanniaoJudgeDto, plain).claimInfo).toBeInstanceOf(ClaimInfoDto);
  });

  it('agrees with class-transformer on 2,000 generated bodies (nested objects, arrays, nulls, method names as keys)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 8 }), (plain) => {
        expect(shape(instantiate(DanniaoJudgeDto, structuredClone(plain)))).toEqual(shape(byClassTransformer(structuredClone(plain))));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a field that would hide a method off the instance', () => {
    const dto = instantiate(DanniaoJudgeDto, { toString: 'x', tenantId: 'T' });
    expect(typeof dto.toString).toBe('function');
    expect(dto.tenantId).toBe('T');
  });
});
