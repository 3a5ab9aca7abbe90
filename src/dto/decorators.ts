/**
 * Field rules for request DTOs, as class-validator decorators.
 *
 * Each rule is one function that returns null for an acceptable value, or the field's problem
 * (src/dto/field-problems.ts: an id and its parameters; in English it follows the field name in the
 * error message, "must be a string", "[17] must be a string"). Type, range and
 * format are checked by the same rule, in that order, so a field reports exactly one, predictable
 * problem (class-validator runs stacked decorators bottom-up, which would make "abc" for a ratio read
 * "must not be greater than 100").
 */
import { registerDecorator, ValidateIf } from 'class-validator';
import { Decimal, decimalExceeds, decimalPlaces, parseDecimal } from '../domain/decimal';
import { keptText } from '../domain/kept-text';
import { MAX_AMOUNT_TEXT_LENGTH, MAX_MAJOR_AMOUNT, percentToBasisPoints } from '../domain/money';
import { numberText } from '../json/push-json';
import { FieldProblem, fieldProblem, fieldProblemText } from './field-problems';

/** null when `value` is acceptable, else its problem. */
type Rule = (value: unknown, object: Record<string, unknown>) => FieldProblem | null;

/** Every rule by its constraint name: a refused field's problem is asked again of its rule (validate-dto.ts). */
const RULES = new Map<string, Rule>();

/** The problem the field rule `constraint` finds in `value` (of `object`); undefined for a constraint of class-validator's own. */
export function ruleProblem(constraint: string, value: unknown, object: Record<string, unknown>): FieldProblem | null | undefined {
  return RULES.get(constraint)?.(value, object);
}

/** Registers `rule` as the class-validator constraint `name`; the message is "<property> <complaint>". */
function fieldRule(name: string, rule: Rule): PropertyDecorator {
  RULES.set(name, rule);
  return (target, propertyKey) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyKey),
      validator: {
        validate: (value, args) => rule(value, args!.object as Record<string, unknown>) === null,
        defaultMessage: (args) => {
          const problem = rule(args!.value, args!.object as Record<string, unknown>);
          const complaint = problem ? fieldProblemText(problem) : 'is invalid';
          return complaint.startsWith('[') ? `${args!.property}${complaint}` : `${args!.property} ${complaint}`;
        },
      },
    });
}

/**
 * Like `@IsOptional()`, except that only an absent field (undefined) skips the rules: `null` is not a
 * value of any type in the spec (String, Number, Boolean, object), so it is reported as the wrong type.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** True when `text` has more than `max` characters, counted as code points (as a utf8mb4 VARCHAR counts). */
function isLongerThan(text: string, max: number): boolean {
  // code points ≤ UTF-16 units ≤ 2 × code points: count only when the unit length leaves it open.
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  let count = 0;
  for (const _char of text) count++;
  return count > max;
}

/**
 * A string of at most `maxLength` characters as kept (src/domain/kept-text.ts: a lone surrogate counts as
 * its 6-character escape); empty strings are allowed (the spec's sample sends "").
 */
export function IsText(maxLength: number): PropertyDecorator {
  return fieldRule('isText', (value) => {
    if (typeof value !== 'string') return fieldProblem('not-string');
    if (isLongerThan(keptText(value), maxLength)) return fieldProblem('too-long', { max: maxLength });
    return null;
  });
}

/** An ISO 4217 alphabetic code as the spec sends it: three upper-case letters ("CNY"). */
export function IsCurrencyCode(): PropertyDecorator {
  return fieldRule('isCurrencyCode', (value) => {
    if (typeof value !== 'string') return fieldProblem('not-string');
    if (!/^[A-Z]{3}$/.test(value)) return fieldProblem('not-currency-code');
    return null;
  });
}

/** The exact value of a JSON number (its text as sent), or the problem when `value` is none. */
function jsonDecimal(value: unknown): Decimal | FieldProblem {
  const text = numberText(value);
  return (text === null ? null : parseDecimal(text)) ?? fieldProblem('not-number');
}

/** A JSON number that is an integer from 0 to `max` (default: the largest safe integer), read exactly. */
export function IsNonNegativeInteger(max: number = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return fieldRule('isNonNegativeInteger', (value) => {
    const d = jsonDecimal(value);
    if ('id' in d) return d;
    if (decimalPlaces(d) > 0) return fieldProblem('not-integer');
    if (d.negative) return fieldProblem('negative');
    if (decimalExceeds(d, max)) return fieldProblem('too-large', { max });
    return null;
  });
}

/** Shared by amounts and ratios: a JSON number in [0, max], read exactly from its text. */
function decimalComplaint(value: unknown, max: number): FieldProblem | null {
  const d = jsonDecimal(value);
  if ('id' in d) return d;
  if (d.negative) return fieldProblem('negative');
  if (decimalExceeds(d, max)) return fieldProblem('too-large', { max });
  return null;
}

/**
 * A money amount in major units (yuan), 0 to MAX_MAJOR_AMOUNT, any number of decimals (more than 2 are
 * rounded half-up to the fen and flagged, src/handlers/danniao-judge.columns.ts), its text as sent at most
 * MAX_AMOUNT_TEXT_LENGTH characters (it is kept as written).
 */
export function IsMoneyAmount(): PropertyDecorator {
  return fieldRule('isMoneyAmount', (value) => {
    const complaint = decimalComplaint(value, MAX_MAJOR_AMOUNT);
    if (complaint !== null) return complaint;
    if (numberText(value)!.length > MAX_AMOUNT_TEXT_LENGTH) return fieldProblem('too-many-characters', { max: MAX_AMOUNT_TEXT_LENGTH });
    return null;
  });
}

/** A percentage from 0 to 100 with at most two decimals (33.33), read exactly from its text. */
export function IsPercentage(): PropertyDecorator {
  return fieldRule('isPercentage', (value) => ratioComplaint(value));
}

function ratioComplaint(value: unknown): FieldProblem | null {
  const complaint = decimalComplaint(value, 100);
  if (complaint !== null) return complaint;
  if (decimalPlaces(parseDecimal(numberText(value)!)!) > 2) return fieldProblem('too-many-decimals', { max: 2 });
  return null;
}

/**
 * This percentage plus the sibling percentage `otherProperty` is at most 100, compared exactly in
 * basis points. Silent while either one is absent or not a valid percentage: `@IsPercentage()`
 * reports those.
 */
export function SumWithAtMost100(otherProperty: string): PropertyDecorator {
  return fieldRule('sumWithAtMost100', (value, object) => {
    const other = object[otherProperty];
    if (ratioComplaint(value) !== null || ratioComplaint(other) !== null) return null;
    if (percentToBasisPoints(numberText(value)!)! + percentToBasisPoints(numberText(other)!)! <= 100_00) return null;
    return fieldProblem('sum-over-100', { other: otherProperty });
  });
}

/**
 * An array of at most `maxItems` strings, each at most `maxItemLength` characters. One pass over the
 * array, naming the first bad index: class-validator's `each: true` is too slow for a million items.
 */
export function IsStringList(maxItems: number, maxItemLength: number): PropertyDecorator {
  return fieldRule('isStringList', (value) => {
    if (!Array.isArray(value)) return fieldProblem('not-array');
    if (value.length > maxItems) return fieldProblem('too-many-items', { max: maxItems });
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'string') return fieldProblem('not-string', {}, i);
      if (isLongerThan(keptText(item), maxItemLength)) return fieldProblem('too-long', { max: maxItemLength }, i);
    }
    return null;
  });
}
