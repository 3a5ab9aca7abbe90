/**
 * Glitzcloud envelope `status` codes → how dispatch handles them. The spec documents only 200 (success)
 * and 2582; the other rows are assumptions about the live server, marked so.
 */
import { type ErrorRule, type ErrorTable, type FailureOutcome, outcomeFromRule, UNKNOWN_CODE_RULE } from '../shared/error-rules';

export const GLITZCLOUD_ERROR_TABLE: ErrorTable = {
  '2582': {
    class: 'rejected',
    why: 'Invalid Outflow Sn (spec): the warehouse has no outbound order with this connect_order_sn; the same claim can never pass',
  },
  '400': { class: 'terminal', why: 'ASSUMED: a missing or invalid parameter in our request; resending it unchanged cannot pass' },
  '401': { class: 'terminal', why: 'ASSUMED: apikey/secretkey or sign refused; only a config (or sign rule) change helps' },
  '429': { class: 'retryable', ambiguous: false, why: 'ASSUMED: rate limited in the envelope, as HTTP 429' },
};

/** ASSUMED: an envelope status 5xx echoes an HTTP server error (retried, the claim may exist). */
const SERVER_ERROR_RULE: ErrorRule = { class: 'retryable', ambiguous: true, why: 'ASSUMED: server error reported in the envelope' };

export function glitzcloudErrorRule(code: string): ErrorRule {
  return GLITZCLOUD_ERROR_TABLE[code] ?? (/^5\d\d$/.test(code) ? SERVER_ERROR_RULE : UNKNOWN_CODE_RULE);
}

export function glitzcloudErrorOutcome(code: string, message: string): FailureOutcome {
  return outcomeFromRule(glitzcloudErrorRule(code), code, message);
}
