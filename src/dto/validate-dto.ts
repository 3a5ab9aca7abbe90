/**
 * Turns a parsed JSON body into a validated DTO instance, or the first problem found in it.
 */
import type { ClassConstructor } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { isJsonLeaf } from '../json/push-json';
import { ruleProblem } from './decorators';
import { FieldProblem, fieldProblem } from './field-problems';
import { instantiate } from './instantiate';

/** A refusal: the field's path ('' for the whole body), its problem, and both in English (`message`). */
export type DtoResult<T> = { ok: true; value: T } | { ok: false; path: string; problem: FieldProblem; message: string };

/** The problems of class-validator's own constraints the DTOs use. */
const BUILT_IN_PROBLEMS: Record<string, FieldProblem> = {
  isObject: fieldProblem('not-object'), nestedValidation: fieldProblem('not-object'), isBoolean: fieldProblem('not-boolean'),
};

/**
 * Keys that reach a prototype when assigned (`obj.__proto__ = …`) or that class-transformer and
 * class-validator read as the class (`obj.constructor`): an own "constructor" key in an unknown nested
 * object makes class-transformer throw, and on a DTO it would hide the class's rules. They are never
 * fields of a push, so they are dropped like any other unknown field would be ignored.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest object/array nesting accepted. The DTOs need 2; the limit keeps a hostile body such as
 * 100,000 nested arrays from overflowing the stack in the recursive copy and in class-transformer.
 */
export const MAX_BODY_DEPTH = 32;

class TooDeep extends Error {}

/** Whether parsed JSON nests at most MAX_BODY_DEPTH levels (no recursion: the body may be 100,000 deep). */
export function withinBodyDepth(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (isJsonLeaf(v)) continue;
    if (depth >= MAX_BODY_DEPTH) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) if (!isJsonLeaf(child)) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * Validates `plain` (src/json/push-json.ts parsePushJson's output, or JSON.parse's) against `cls`. Values are
 * never converted: "89.9" for a Number field is an error; a number stays its text as sent. Unknown fields
 * are kept on the value and are not errors.
 *
 * "First" problem: fields in the order the DTO class declares them, depth first into nested objects;
 * each field reports one problem (its rules check type, then range, then format).
 */
export function validateDto<T extends object>(cls: ClassConstructor<T>, plain: unknown): DtoResult<T> {
  if (!isPlainObject(plain)) return { ok: false, path: '', problem: fieldProblem('not-object'), message: 'the body must be a JSON object' };
  let safe: Record<string, unknown>;
  try {
    safe = copyWithoutPrototypeKeys(plain, 0) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    return { ok: false, path: '', problem: fieldProblem('too-deep', { max: MAX_BODY_DEPTH }), message: `the body must not be nested more than ${MAX_BODY_DEPTH} levels deep` };
  }
  const value = instantiate(cls, safe);
  const errors = validateSync(value, { forbidUnknownValues: false, stopAtFirstError: true });
  const problem = firstProblem(errors, '');
  return problem === null ? { ok: true, value } : { ok: false, ...problem };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of parsed JSON without PROTOTYPE_KEYS at any depth (a list of primitives is kept, not copied); throws TooDeep past MAX_BODY_DEPTH anywhere
 * in the body, under a dropped key too: the handler hashes and routes the body as parsed, and a body nested
 * 100,000 deep under "constructor" overflowed the stack there (an internal-error; found by test/hostile).
 */
function copyWithoutPrototypeKeys(value: unknown, depth: number): unknown {
  if (isJsonLeaf(value)) return value;
  if (depth >= MAX_BODY_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    // A list of primitives has nothing to drop: the DTO shares it with the parsed body (neither is changed
    // afterwards), which spares a copy of a big push's package numbers.
    if (value.every(isJsonLeaf)) return value;
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyWithoutPrototypeKeys(value[i], depth + 1);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as object)) {
    if (!PROTOTYPE_KEYS.has(key)) copy[key] = copyWithoutPrototypeKeys(item, depth + 1);
    else copyWithoutPrototypeKeys(item, depth + 1); // dropped, but its depth still counts
  }
  return copy;
}

/**
 * The first constraint message in the error tree, with the property name it starts with replaced by
 * the full path. class-validator (0.15) names only the property itself ("warehouseRatio must …"), so the
 * path is built here: "judgeResult.warehouseRatio", "list[3]". A rule that names a list item in its
 * message ("responsibilityPackageNos[17] must be a string") extends the path with that index.
 */
function firstProblem(errors: ValidationError[], parentPath: string): { path: string; problem: FieldProblem; message: string } | null {
  for (const error of errors) {
    const path = joinPath(parentPath, error.property);
    const [name, constraint] = Object.entries(error.constraints ?? {})[0] ?? [];
    if (constraint !== undefined) {
      // The problem again from the field's rule (its message was made from the same call), else class-validator's own.
      const problem = ruleProblem(name, error.value, error.target as Record<string, unknown>) ?? BUILT_IN_PROBLEMS[name] ?? fieldProblem('invalid');
      if (!constraint.startsWith(error.property)) return { path, problem, message: `${path} ${constraint}` };
      const rest = constraint.slice(error.property.length); // " must be …" or "[17] must be …"
      const index = problem.index === undefined ? '' : `[${problem.index}]`;
      return { path: path + index, problem, message: path + rest };
    }
    const nested = firstProblem(error.children ?? [], path);
    if (nested !== null) return nested;
  }
  return null;
}

function joinPath(parentPath: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parentPath}[${property}]`;
  return parentPath === '' ? property : `${parentPath}.${property}`;
}
