import type { LastError } from '../../claims/claim-reasons';
import type { SendOutcome } from '../types';

/**
 * How an error answer is handled: `retryable` (dispatch tries again on its schedule), `terminal` (can
 * never succeed as sent: our request, config or credentials are wrong) or `rejected` (terminal too: the
 * platform refused the claim itself on a business rule).
 */
export type ErrorClass = 'retryable' | 'terminal' | 'rejected';

export interface ErrorRule {
  class: ErrorClass;
  /** Retryable only: the platform may have stored the claim anyway (look it up before sending again). */
  ambiguous?: boolean;
  /** Why this class: what the code means and why retrying does or does not help. */
  why: string;
}

export type ErrorTable = Readonly<Record<string, ErrorRule>>;

/** For a code no table lists: a human looks at it (the claim goes `dead` with the code in `lastError`). */
export const UNKNOWN_CODE_RULE: ErrorRule = {
  class: 'terminal',
  why: 'not documented: resending the same request blindly is not known to help, so an operator looks and retries by hand',
};

/** An outcome that is not a success: what error rules and transport checks produce. */
export type FailureOutcome = Exclude<SendOutcome, { kind: 'submitted' }>;

/** The outcome a rule gives a platform's own code and message. */
export function outcomeFromRule(rule: ErrorRule, code: string, message: string): FailureOutcome {
  if (rule.class === 'retryable') return { kind: 'retryable', code, message, ambiguous: rule.ambiguous ?? false };
  return { kind: 'terminal', code, message, rejected: rule.class === 'rejected' };
}

/** The outcome a rule gives an error the service words (a transport failure, an unreadable answer). */
export function outcomeOfWords(rule: ErrorRule, words: LastError): FailureOutcome {
  return { ...outcomeFromRule(rule, words.code, words.message), words };
}
