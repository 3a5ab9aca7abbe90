/**
 * The one catalogue of the sentences the service writes about a claim: the reasons of its events
 * (claim_event.reason) and the errors it stores as the claim's lastError. Each is made here by a function
 * returning a stable `id`, its `params` (plain JSON, stored beside the text) and `text`, the English
 * sentence kept in the text column for logs, the CLI and the CSV. The finance page words each id in 中文
 * and English from the params (src/web/static/finance-messages.js: `reasons`, `lastErrors`,
 * `precheckRules`); text a platform wrote (a ShopEx errMsg, a platform status, an answer's body) is a
 * param kept as the platform wrote it.
 */
import { formatMinorUnits } from '../domain/money';
import type { PlannedClaim, WhenCheck } from '../domain/routes';

/** A param value: JSON. */
export type ParamValue = string | number | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };
export type Params = { readonly [key: string]: ParamValue };

/** What the page needs to word a sentence: its id and params. */
export type WordedRef = { readonly id: string; readonly params: Params };

/** A sentence of the service: id and params for the page, English text for the text column. */
export interface Worded extends WordedRef {
  readonly text: string;
}

/** Every id of a claim event's reason. */
export const CLAIM_REASON_IDS = [
  'route-matches', 'route-matches-again', 'route-no-longer-matches', 'unsent-claim-changed', 'sent-would-claim', 'sent-no-longer-matches',
  'attempt-submitted', 'attempt-found', 'attempt-rejected', 'attempt-failed', 'attempt-retry', 'attempt-spent',
  'answer-reports', 'poll-reports', 'shopex-succ', 'shopex-fail', 'duobaoyu-push',
  'operator-retried', 'operator-cancelled', 'operator-cancelled-here-only', 'operator-cancelled-on-platform', 'cli-retried',
] as const;
export type ClaimReasonId = (typeof CLAIM_REASON_IDS)[number];

/** Every id of a lastError the service writes (`platform-error`: the platform's own code and words). */
export const LAST_ERROR_IDS = [
  'platform-error', 'precheck', 'connect-failed', 'timeout', 'network', 'response-too-large', 'http-status', 'unreadable-answer',
  'refund-exists-not-ours', 'refund-exists-unknown', 'platform-not-configured', 'lookup-failed',
] as const;
export type LastErrorId = (typeof LAST_ERROR_IDS)[number];

const reason = (id: ClaimReasonId, params: Params, text: string): Worded => ({ id, params, text });
const money = (minor: number | null, currency: string) => (minor === null ? 'none' : `${formatMinorUnits(minor)} ${currency}`);
const decimal = (minor: number | null) => (minor === null ? null : formatMinorUnits(minor));
const checksOf = (checks: readonly WhenCheck[]) => checks as unknown as ParamValue;

/** A revision and the route a reason of the claim rules speaks of. */
interface OnRoute {
  revision: number;
  route: string;
}

/** The reasons of claim events. */
export const CLAIM_REASONS = {
  /** A new claim: the route matches the revision. */
  routeMatches: ({ revision, route }: OnRoute, plan: PlannedClaim, currency: string): Worded =>
    reason('route-matches', {
      revision, route, checks: checksOf(plan.checks), amount: decimal(plan.amountMinor), currency, fieldsTooLargeBytes: plan.fieldsTooLargeBytes,
    }, `revision ${revision} matches route ${route} (${plan.reasons.join('; ') || 'no conditions'}); amount ${money(plan.amountMinor, currency)}`),
  /** A cancelled unsent claim whose route matches again. */
  routeMatchesAgain: ({ revision, route }: OnRoute, plan: PlannedClaim, currency: string): Worded =>
    reason('route-matches-again', { revision, route, amount: decimal(plan.amountMinor), currency },
      `revision ${revision} matches route ${route} again; amount ${money(plan.amountMinor, currency)}`),
  /** An unsent claim cancelled: its route no longer matches. */
  routeNoLongerMatches: ({ revision, route }: OnRoute, plan: PlannedClaim): Worded =>
    reason('route-no-longer-matches', { revision, route, checks: checksOf(plan.checks), zeroShare: plan.zeroShare },
      `revision ${revision} no longer matches route ${route}: ${plan.reasons.join('; ')}`),
  /** An unsent claim whose amount, currency or fields the revision changed. */
  unsentClaimChanged: (revision: number, from: { amountMinor: number | null; currency: string }, to: { amountMinor: number | null; currency: string }, fieldsChanged: boolean): Worded =>
    reason('unsent-claim-changed', {
      revision, fromAmount: decimal(from.amountMinor), fromCurrency: from.currency, amount: decimal(to.amountMinor), currency: to.currency, fieldsChanged,
    }, `revision ${revision} changed the unsent claim: amount ${money(from.amountMinor, from.currency)} → ${money(to.amountMinor, to.currency)}${fieldsChanged ? ', fields changed' : ''}`),
  /** A sent claim the revision would file differently: noted only. */
  sentWouldClaim: (revision: number, amountMinor: number | null, currency: string): Worded =>
    reason('sent-would-claim', { revision, amount: decimal(amountMinor), currency },
      `revision ${revision} would claim ${money(amountMinor, currency)}, but the claim was already sent: not filed again`),
  /** A sent claim whose route the revision no longer matches: noted only. */
  sentNoLongerMatches: (revision: number): Worded =>
    reason('sent-no-longer-matches', { revision }, `revision ${revision} no longer matches, but the claim was already sent: not filed again`),

  /** The platform took the claim; `resentBlindOn`: sent again blind to this platform (flag resent-blind). */
  attemptSubmitted: (attempt: number, platformClaimId: string | null, resentBlindOn: string | null): Worded =>
    reason('attempt-submitted', { attempt, platformClaimId, resentBlindOn },
      `attempt ${attempt}: the platform took the claim${platformClaimId ? ` (${platformClaimId})` : ''}${resentBlindOn ? `; sent again after an attempt that may have reached ${resentBlindOn}: check it holds one claim, not two` : ''}`),
  /** The look-up found the claim on the platform: not sent again. */
  attemptFound: (attempt: number, platformClaimId: string | null): Worded =>
    reason('attempt-found', { attempt, platformClaimId }, `attempt ${attempt}: the platform already holds this claim (${platformClaimId}); not sent again`),
  /** A terminal failure: `rejected` when the platform refused the claim itself. */
  attemptTerminal: (attempt: number, error: LastError, rejected: boolean): Worded =>
    reason(rejected ? 'attempt-rejected' : 'attempt-failed', { attempt, error: refOf(error) },
      `attempt ${attempt}: ${rejected ? 'rejected by the platform' : 'can never succeed'}: ${error.code} ${error.message}`),
  /** A retryable failure: tried again after `delayMs`, or dead when the schedule is spent (null). */
  attemptRetryable: (attempt: number, error: LastError, delayMs: number | null): Worded =>
    delayMs === null
      ? reason('attempt-spent', { attempt, error: refOf(error) }, `attempt ${attempt}: ${error.code} ${error.message}; retry schedule spent`)
      : reason('attempt-retry', { attempt, error: refOf(error), nextInSeconds: Math.round(delayMs / 1000) },
        `attempt ${attempt}: ${error.code} ${error.message}; next try in ${Math.round(delayMs / 1000)} s`),

  /** The send's answer carries the platform's verdict (its status as the platform wrote it, and ours). */
  answerReports: (platformStatus: string | null, status: string): Worded =>
    reason('answer-reports', { platformStatus, status }, `the platform's answer reports ${platformStatus ?? ''} (${status})`),
  /** A poll's answer. */
  pollReports: (platformStatus: string, status: string): Worded =>
    reason('poll-reports', { platformStatus, status }, `poll: the platform reports ${platformStatus} (${status})`),
  shopexSucc: (aftersaleId: string | null, tradeStatus: string): Worded =>
    reason('shopex-succ', { aftersaleId, tradeStatus }, `ShopEx callback: succ, after-sale ${aftersaleId ?? '?'} status ${tradeStatus}`),
  shopexFail: (res: string, errMsg: string): Worded =>
    reason('shopex-fail', { res, errMsg }, `ShopEx callback: fail ${res} ${errMsg}`.trim()),
  duobaoyuPush: (pushId: string, afterSaleOrderId: string, state: string): Worded =>
    reason('duobaoyu-push', { pushId, afterSaleOrderId, state }, `Duobaoyu push ${pushId}: after-sale ${afterSaleOrderId} is ${state}`),

  operatorRetried: (operator: string): Worded => reason('operator-retried', { operator }, `retried by operator ${operator}`),
  /** Cancelled by an operator: a claim not on the platform (`cancel`), one the platform keeps (`here-only`), or cancelled there too. */
  operatorCancelled: (operator: string, step: CancelStep): Worded => {
    switch (step.kind) {
      case 'not-on-platform':
        return reason('operator-cancelled', { operator }, `cancelled by operator ${operator}: not on the platform`);
      case 'here-only':
        return reason('operator-cancelled-here-only', { operator, platform: step.platform, platformClaimId: step.platformClaimId },
          `cancelled by operator ${operator}: cancelled here only: ${step.platform} has no cancel API; it still holds ${step.platformClaimId ?? 'the claim'}`);
      case 'on-platform':
        return reason('operator-cancelled-on-platform', { operator, platform: step.platform, platformClaimId: step.platformClaimId },
          `cancelled by operator ${operator}: cancelled on ${step.platform} (refund ${step.platformClaimId})`);
    }
  },
  cliRetried: (actor: string): Worded => reason('cli-retried', { actor }, `retried by ${actor} (CLI retry-dead)`),
};

/** What cancelling a claim did on its platform, for the operator's event. */
export type CancelStep =
  | { kind: 'not-on-platform' }
  | { kind: 'here-only'; platform: string; platformClaimId: string | null }
  | { kind: 'on-platform'; platform: string; platformClaimId: string };

/** A claim's lastError: id and params for the page, the code and message of the attempt row; text is `code: message`. */
export interface LastError extends Worded {
  readonly code: string;
  readonly message: string;
}

const lastError = (id: LastErrorId, params: Params, code: string, message: string): LastError => ({ id, params, code, message, text: `${code}: ${message}` });
const refOf = (e: WordedRef): WordedRef => ({ id: e.id, params: e.params });

/** A rule of a platform's fields the claim breaks (precheck: nothing was sent). */
export type PrecheckProblem =
  | { rule: 'required' | 'not-text' | 'not-integer' | 'not-list' | 'not-object' | 'not-boolean' | 'attachments-shape' | 'needs-positive-amount' }
  | { rule: 'too-long'; length: number; max: number }
  | { rule: 'not-one-of'; allowed: string[]; got: string }
  | { rule: 'out-of-range'; min: number | null; max: number | null; got: number }
  | { rule: 'required-unless'; otherField: string; otherValue: string }
  | { rule: 'not-datetime'; format: string };

/** Every precheck rule. */
export const PRECHECK_RULES = [
  'required', 'not-text', 'not-integer', 'not-list', 'not-object', 'not-boolean', 'attachments-shape', 'needs-positive-amount',
  'too-long', 'not-one-of', 'out-of-range', 'required-unless', 'not-datetime',
] as const satisfies ReadonlyArray<PrecheckProblem['rule']>;

/** A precheck problem in English (the attempt's errorMessage). */
export function precheckText(field: string, p: PrecheckProblem): string {
  switch (p.rule) {
    case 'required': return `${field} is required`;
    case 'not-text': return `${field} must be a string`;
    case 'not-integer': return `${field} must be an integer`;
    case 'not-list': return `${field} must be a list of strings`;
    case 'not-object': return `${field} must be an object`;
    case 'not-boolean': return `${field} must be true or false`;
    case 'attachments-shape': return `${field} must be a list of {name, content (base64)}`;
    case 'needs-positive-amount': return `${field} needs a positive claim amount`;
    case 'too-long': return `${field} is ${p.length} characters, more than the platform's limit of ${p.max}`;
    case 'not-one-of': return `${field} must be one of ${p.allowed.join(', ')}, not ${JSON.stringify(p.got)}`;
    case 'out-of-range': return `${field} must be between ${p.min ?? '-∞'} and ${p.max ?? '∞'}, not ${p.got}`;
    case 'required-unless': return `${field} is required unless ${p.otherField} is ${p.otherValue}`;
    case 'not-datetime': return `${field} must be a date-time ${p.format}`;
  }
}

/** What a platform's answer lacks or gets wrong, when it is not the answer its spec describes. */
export type AnswerProblem =
  | { problem: 'not-json'; answer: string }
  | { problem: 'missing'; field: string }
  | { problem: 'mismatch'; field: string; answered: string; asked: string };

/** Every kind of answer problem. */
export const ANSWER_PROBLEMS = ['not-json', 'missing', 'mismatch'] as const satisfies ReadonlyArray<AnswerProblem['problem']>;

function answerProblemText(p: AnswerProblem): string {
  switch (p.problem) {
    case 'not-json': return `not JSON: ${p.answer}`;
    case 'missing': return `no ${p.field} in the answer`;
    case 'mismatch': return `the answer gives ${p.field} ${p.answered}, not ${p.asked}`;
  }
}

/** The lastErrors the service writes; a platform's own code and words are `platformError`. */
export const LAST_ERRORS = {
  /** The platform's own error code and message, as it wrote them. */
  platformError: (code: string, message: string): LastError => lastError('platform-error', { code, message }, code, message),
  precheck: (field: string, problem: PrecheckProblem): LastError =>
    lastError('precheck', { field, ...problem }, `precheck:${field}`, precheckText(field, problem)),
  /** No connection made (`detail`: the system's error code and text). */
  connectFailed: (detail: string): LastError => lastError('connect-failed', { detail }, 'connect_failed', detail),
  timeout: (detail: string): LastError => lastError('timeout', { detail }, 'timeout', detail),
  network: (detail: string): LastError => lastError('network', { detail }, 'network', detail),
  responseTooLarge: (maxBytes: number): LastError =>
    lastError('response-too-large', { maxBytes }, 'response_too_large', `answer larger than ${maxBytes} bytes`),
  /** An HTTP error status; `answer`: the start of the platform's body. */
  httpStatus: (status: number, answer: string): LastError => lastError('http-status', { status, answer }, `http_${status}`, answer),
  /** An answer without the platform's envelope (`invalid_response` when 2xx, else `http_<status>`). */
  unreadableAnswer: (status: number, problem: AnswerProblem): LastError =>
    lastError('unreadable-answer', { status, ...problem }, status >= 200 && status < 300 ? 'invalid_response' : `http_${status}`, answerProblemText(problem)),
  /** appintf's 54 (a refund exists on the order) and none of the order's refunds is this claim's. */
  refundExistsNotOurs: (code: string, message: string): LastError =>
    lastError('refund-exists-not-ours', { code, message }, code, `${message}; no refund of this claim among the refunds of its order`),
  /** appintf's 54, and the order's refunds could not be read. */
  refundExistsUnknown: (code: string, message: string, detail: string): LastError =>
    lastError('refund-exists-unknown', { code, message, detail }, code, `${message}; its own refund could not be looked for: ${detail}`),
  platformNotConfigured: (platform: string): LastError =>
    lastError('platform-not-configured', { platform }, 'platform-not-configured', `platform ${platform} is not configured`),
  /** A look-up on the platform that threw before the send. */
  lookupFailed: (detail: string): LastError => lastError('lookup-failed', { detail }, 'client-error', detail),
};

/** A failure outcome's lastError: the words the service gave it, else the platform's own code and message. */
export function lastErrorOf(outcome: { code: string; message: string; words?: LastError }): LastError {
  return outcome.words ?? LAST_ERRORS.platformError(outcome.code, outcome.message);
}
