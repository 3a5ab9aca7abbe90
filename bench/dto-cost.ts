import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DanniaoJudgeDto } from '../src/dto/danniao-judge.dto';
import { instantiate } from '../src/dto/instantiate';
import { validateDto } from '../src/dto/validate-dto';
import { parsePushJson } from '../src/json/push-json';
import { exampleBody } from './fixture';

/**
 * `npm run build && node dist/bench/dto-cost.js [--json]`: what turning a parsed push into DTO instances
 * costs, src/dto/instantiate.ts against class-transformer's plainToInstance (the same instances: test/dto/
 * instantiate.test.ts), beside what validating them costs (class-validator) and the whole of validateDto.
 * In one process, no network or database, so the figures hold on a loaded machine better than throughput.
 * Two bodies: the spec example (an ordinary push) and the example with 999,999 package numbers (scenario D).
 * plainToInstance cannot take the service's parsed body at all: it rebuilds each number kept as its text (a
 * LosslessNumber) through its constructor without arguments, which throws; it is timed on JSON.parse's
 * output instead (numbers as floats), and whether it throws on the real input is reported.
 */
const ROUNDS = 50_000;

type Plain = Record<string, unknown>;

function microsPerCall(fn: () => unknown, rounds: number): number {
  for (let i = 0; i < Math.min(rounds, 5_000); i++) fn(); // warm up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / rounds;
}

export interface DtoCost {
  /** µs per ordinary push. */
  example: { instantiate: number; plainToInstance: number; validate: number; validateDto: number };
  /** ms for the 999,999-package push (one call each, after one warm call). */
  big: { instantiate: number; plainToInstance: number };
  /** plainToInstance's error on the body as the service parses it (lossless numbers), or null. */
  plainToInstanceOnLossless: string | null;
}

export function dtoCost(): DtoCost {
  const exampleText = exampleBody('DTO-COST');
  const bigText = exampleBody('DTO-COST-BIG', Array.from({ length: 999_999 }, (_, i) => `PK${String(i + 1).padStart(14, '0')}`));
  const example = parsePushJson(exampleText) as Plain;
  const big = parsePushJson(bigText) as Plain;
  const exampleFloats = JSON.parse(exampleText) as Plain;
  const bigFloats = JSON.parse(bigText) as Plain;
  let plainToInstanceOnLossless: string | null = null;
  try {
    plainToInstance(DanniaoJudgeDto, example, { enableImplicitConversion: false });
  } catch (err) {
    plainToInstanceOnLossless = (err as Error).message;
  }
  const instance = instantiate(DanniaoJudgeDto, example);
  const once = (fn: () => unknown) => {
    fn();
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  return {
    example: {
      instantiate: microsPerCall(() => instantiate(DanniaoJudgeDto, example), ROUNDS),
      plainToInstance: microsPerCall(() => plainToInstance(DanniaoJudgeDto, exampleFloats, { enableImplicitConversion: false }), ROUNDS),
      validate: microsPerCall(() => validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true }), ROUNDS),
      validateDto: microsPerCall(() => validateDto(DanniaoJudgeDto, example), ROUNDS),
    },
    big: {
      instantiate: once(() => instantiate(DanniaoJudgeDto, big)),
      plainToInstance: once(() => plainToInstance(DanniaoJudgeDto, bigFloats, { enableImplicitConversion: false })),
    },
    plainToInstanceOnLossless,
  };
}

if (require.main === module) {
  const cost = dtoCost();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(cost)}\n`);
  else {
    const e = cost.example;
    process.stdout.write(
      `ordinary push: instantiate ${e.instantiate.toFixed(2)} µs, plainToInstance ${e.plainToInstance.toFixed(2)} µs; ` +
        `class-validator ${e.validate.toFixed(2)} µs; validateDto in all ${e.validateDto.toFixed(2)} µs\n` +
        `999,999 packages: instantiate ${cost.big.instantiate.toFixed(1)} ms, plainToInstance ${cost.big.plainToInstance.toFixed(1)} ms\n` +
        `plainToInstance on the body as the service parses it: ${cost.plainToInstanceOnLossless === null ? 'works' : `throws (${cost.plainToInstanceOnLossless})`}\n`,
    );
  }
}
