/**
 * Converting a route's business `fields` (any JSON values, placeholders resolved, a missing placeholder
 * being an empty string) to the types a platform's spec wants, and checking the platform's own limits
 * before anything is sent. A violation throws {@link FieldRuleError}; request builders turn it into a
 * terminal outcome, so a request that can never pass is not sent.
 */
import { LAST_ERRORS, type PrecheckProblem, precheckText } from '../../claims/claim-reasons';
import type { SendOutcome } from '../types';

export class FieldRuleError extends Error {
  constructor(readonly field: string, readonly problem: PrecheckProblem) {
    super(precheckText(field, problem));
    this.name = 'FieldRuleError';
  }

  /** Terminal (our request is wrong, not a business refusal): `precheck:<field>`. */
  toOutcome(): SendOutcome {
    const words = LAST_ERRORS.precheck(this.field, this.problem);
    return { kind: 'terminal', code: words.code, message: words.message, rejected: false, words };
  }
}

type Fields = Readonly<Record<string, unknown>>;

/** An absent field: undefined, null, or the empty string (what an unresolved placeholder gives). */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export interface TextRule {
  required?: boolean;
  /** Limit in UTF-16 code units, as the platforms' Java `String.length()` counts. */
  maxLength?: number;
  /** Allowed values, e.g. an enumerated type. */
  oneOf?: readonly string[];
}

/** A string field (numbers become their decimal text). */
export function textField(fields: Fields, name: string, rule: TextRule = {}): string | undefined {
  const value = fields[name];
  if (isAbsent(value)) {
    if (rule.required) throw new FieldRuleError(name, { rule: 'required' });
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw new FieldRuleError(name, { rule: 'not-text' });
  const text = String(value);
  if (rule.maxLength !== undefined && text.length > rule.maxLength) {
    throw new FieldRuleError(name, { rule: 'too-long', length: text.length, max: rule.maxLength });
  }
  if (rule.oneOf && !rule.oneOf.includes(text)) {
    throw new FieldRuleError(name, { rule: 'not-one-of', allowed: [...rule.oneOf], got: text });
  }
  return text;
}

export interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
}

/** An integer field given as a JSON integer or its decimal text (`"4"` → 4). */
export function integerField(fields: Fields, name: string, rule: IntegerRule = {}): number | undefined {
  const value = fields[name];
  if (isAbsent(value)) {
    if (rule.required) throw new FieldRuleError(name, { rule: 'required' });
    return undefined;
  }
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new FieldRuleError(name, { rule: 'not-integer' });
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    throw new FieldRuleError(name, { rule: 'out-of-range', min: rule.min ?? null, max: rule.max ?? null, got: n });
  }
  return n;
}

/** A list of strings, given as a JSON array of strings or a comma-separated string. */
export function stringListField(fields: Fields, name: string, required = false): string[] | undefined {
  const value = fields[name];
  let items: string[] = [];
  if (typeof value === 'string') items = value.split(',').map((s) => s.trim());
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) items = value as string[];
  else if (!isAbsent(value)) throw new FieldRuleError(name, { rule: 'not-list' });
  items = items.filter((s) => s !== '');
  if (required && items.length === 0) throw new FieldRuleError(name, { rule: 'required' });
  return items.length > 0 ? items : undefined;
}

/** A field a form post carries as text: objects and arrays as their JSON text, booleans as true/false. */
export function formText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** `fields` without the keys a platform takes from config only (credentials, timestamps, signs). */
export function withoutReserved(fields: Fields, reserved: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (!reserved.includes(key)) out[key] = value;
  return out;
}

/** `record` without its undefined values (optional fields that are absent are not sent). */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
