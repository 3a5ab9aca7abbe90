/**
 * What an HTTP answer means before the platform's own envelope is read: transport failures, 5xx and 429
 * are retried (docs/http-contract.md "Retries"); an unreadable answer is retried as ambiguous; other HTTP
 * errors without a platform envelope are terminal.
 */
import { type AnswerProblem, LAST_ERRORS } from '../../claims/claim-reasons';
import type { HttpReply, TransportFailureCode } from './http-call';
import { type ErrorRule, type FailureOutcome, outcomeOfWords } from './error-rules';

export const TRANSPORT_ERROR_RULES: Readonly<Record<TransportFailureCode | 'http_5xx' | 'http_429' | 'http_408' | 'invalid_response' | 'http_4xx', ErrorRule>> = {
  connect_failed: { class: 'retryable', ambiguous: false, why: 'no connection was made, so nothing was sent' },
  network: { class: 'retryable', ambiguous: true, why: 'the connection failed after the request may have been written' },
  timeout: { class: 'retryable', ambiguous: true, why: 'no (complete) answer in time after the request was written' },
  response_too_large: { class: 'retryable', ambiguous: true, why: 'an answer we refuse to read; the platform may have acted on the request' },
  http_5xx: { class: 'retryable', ambiguous: true, why: 'a server or gateway error: temporary, and the platform may have stored the claim before failing' },
  http_429: { class: 'retryable', ambiguous: false, why: 'rate limited: refused before being processed' },
  http_408: { class: 'retryable', ambiguous: false, why: 'the server gave up reading the request' },
  invalid_response: { class: 'retryable', ambiguous: true, why: 'a 2xx answer we cannot read (not JSON, not the envelope): the platform may have taken the claim' },
  http_4xx: { class: 'terminal', why: 'an HTTP client error without a platform envelope: wrong URL, method or credentials; resending the same request cannot help' },
};

export type ReadReply = { outcome: FailureOutcome } | { status: number; json: unknown };

function httpRuleFor(status: number): ErrorRule | null {
  if (status >= 500) return TRANSPORT_ERROR_RULES.http_5xx;
  if (status === 429) return TRANSPORT_ERROR_RULES.http_429;
  if (status === 408) return TRANSPORT_ERROR_RULES.http_408;
  return null;
}

/** Either the decided outcome (transport failure, 5xx, 429, unreadable) or the parsed JSON to interpret. */
export function readJsonReply(reply: HttpReply): ReadReply {
  if (reply.kind === 'failure') {
    return { outcome: { kind: 'retryable', code: reply.code, message: reply.message, ambiguous: reply.ambiguous, words: reply.words } };
  }
  const httpRule = httpRuleFor(reply.status);
  if (httpRule) return { outcome: outcomeOfWords(httpRule, LAST_ERRORS.httpStatus(reply.status, snippet(reply.body))) };
  try {
    return { status: reply.status, json: JSON.parse(reply.body) as unknown };
  } catch {
    return { outcome: unrecognisedReply(reply.status, { problem: 'not-json', answer: snippet(reply.body) }) };
  }
}

/** An answer without the platform's envelope: retryable (ambiguous) when 2xx, else terminal. */
export function unrecognisedReply(status: number, problem: AnswerProblem): FailureOutcome {
  const rule = status >= 200 && status < 300 ? TRANSPORT_ERROR_RULES.invalid_response : TRANSPORT_ERROR_RULES.http_4xx;
  return outcomeOfWords(rule, LAST_ERRORS.unreadableAnswer(status, problem));
}

/** The start of an answer body, for error messages. */
export function snippet(body: string, max = 200): string {
  return body.length > max ? `${body.slice(0, max)}…` : body;
}

/** A plain object (a JSON object), or null. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A JSON scalar as text ("0" for 0, "1" for "1"), or null. */
export function scalarText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
