/**
 * Duobaoyu envelope `code` → how dispatch handles it. The spec documents `"0"` (success) and one failure,
 * `"1"` 请求失败, without its causes; other codes are unknown.
 */
import { type ErrorRule, type ErrorTable, type FailureOutcome, outcomeFromRule, UNKNOWN_CODE_RULE } from '../shared/error-rules';

export const DUOBAOYU_ERROR_TABLE: ErrorTable = {
  '1': {
    class: 'terminal',
    why: '请求失败 (spec): a refusal of this request (bad sign, params or rule); nothing says a resend would pass',
  },
  result_false: {
    class: 'rejected',
    why: 'code 0 but data.result false: the gateway answered, and the after-sale was not created',
  },
};

export function duobaoyuErrorRule(code: string): ErrorRule {
  return DUOBAOYU_ERROR_TABLE[code] ?? UNKNOWN_CODE_RULE;
}

export function duobaoyuErrorOutcome(code: string, message: string): FailureOutcome {
  return outcomeFromRule(duobaoyuErrorRule(code), code, message);
}
