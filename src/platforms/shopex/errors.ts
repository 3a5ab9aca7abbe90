/**
 * ShopEx matrix `res` codes of a `rsp: "fail"` answer → how dispatch handles them (codes from
 * docs/platforms.md, taken from ECstore/OMS source; the spec's own error table is empty).
 */
import { type ErrorRule, type ErrorTable, type FailureOutcome, outcomeFromRule, UNKNOWN_CODE_RULE } from '../shared/error-rules';

export const SHOPEX_ERROR_TABLE: ErrorTable = {
  e00090: {
    class: 'retryable',
    ambiguous: true,
    why: 'timeout: the matrix gave up waiting for the shop node, which may still have stored the application',
  },
  '4001': { class: 'terminal', why: 'bad method: the node does not serve store.trade.aftersale.add; resending cannot help' },
  '4003': { class: 'terminal', why: 'sign error: the token (or sign rule) is wrong; only a config change helps' },
  '4007': {
    class: 'retryable',
    ambiguous: true,
    why: 'runtime error on the node: a server-side failure, like HTTP 500, which may pass later and may have stored data',
  },
};

export function shopexErrorRule(code: string): ErrorRule {
  return SHOPEX_ERROR_TABLE[code] ?? UNKNOWN_CODE_RULE;
}

export function shopexErrorOutcome(code: string, message: string): FailureOutcome {
  return outcomeFromRule(shopexErrorRule(code), code, message);
}
