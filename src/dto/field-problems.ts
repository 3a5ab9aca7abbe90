/**
 * What can be wrong with one field of a push, as a stable id and its parameters (the page words it in
 * 中文 and English), and the same in English: the complaint that follows the field's path in the refusal
 * message ("judgeResult.claimAmount must be a number"). A list item's problem names its `index`.
 */
export const FIELD_PROBLEM_IDS = [
  'not-string', 'too-long', 'not-currency-code', 'not-number', 'not-integer', 'negative', 'too-large', 'too-many-characters',
  'too-many-decimals', 'sum-over-100', 'not-array', 'too-many-items', 'not-object', 'not-boolean', 'too-deep', 'invalid',
] as const;
export type FieldProblemId = (typeof FIELD_PROBLEM_IDS)[number];

export interface FieldProblem {
  id: FieldProblemId;
  params: Record<string, string | number>;
  /** For a problem of one item of a list: the item's index. */
  index?: number;
}

export const fieldProblem = (id: FieldProblemId, params: Record<string, string | number> = {}, index?: number): FieldProblem =>
  (index === undefined ? { id, params } : { id, params, index });

const TEXT: Record<FieldProblemId, (p: Record<string, string | number>) => string> = {
  'not-string': () => 'must be a string',
  'too-long': (p) => `must be at most ${p.max} characters long`,
  'not-currency-code': () => 'must be a currency code of three upper-case letters, e.g. CNY',
  'not-number': () => 'must be a number',
  'not-integer': () => 'must be an integer',
  negative: () => 'must not be less than 0',
  'too-large': (p) => `must not be greater than ${p.max}`,
  'too-many-characters': (p) => `must be written in at most ${p.max} characters`,
  'too-many-decimals': (p) => `must have at most ${p.max} decimal places`,
  'sum-over-100': (p) => `+ ${p.other} must not be greater than 100`,
  'not-array': () => 'must be an array',
  'too-many-items': (p) => `must contain at most ${p.max} items`,
  'not-object': () => 'must be an object',
  'not-boolean': () => 'must be a boolean value',
  'too-deep': (p) => `must not be nested more than ${p.max} levels deep`,
  invalid: () => 'is invalid',
};

/** The English complaint, as it follows the field's name: "must be a string", "[17] must be a string". */
export function fieldProblemText(problem: FieldProblem): string {
  const text = TEXT[problem.id](problem.params);
  return problem.index === undefined ? text : `[${problem.index}] ${text}`;
}
