import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { type AnswerText, type EdgeFailure, JSON_CONTENT_TYPE, putAnswer } from '../http/edge-failure';

/**
 * The one place where finance API errors are rendered: `{"error": "<id>", "message": "…"}` with a 4xx/5xx
 * status (docs/http-contract.md); a refused parameter also names its `field`, so that a page can say which
 * of its inputs is wrong in its own words. The service's own routes outside the edges (health, metrics, the
 * OpenAPI document, the finance page) answer their errors in the same envelope.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, readonly id: string, message: string, readonly field?: string) {
    super(message);
  }
}

export const unauthorized = () => new ApiError(401, 'unauthorized', 'a valid bearer token is required');
export const forbidden = (role: string) => new ApiError(403, 'forbidden', `the ${role} role may not do this`);
export const notFound = (what: string) => new ApiError(404, 'not-found', `${what} not found`);
export const badRequest = (field: string, message: string) => new ApiError(400, 'invalid-parameter', `${field}: ${message}`, field);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);

export function financeAnswerText(status: number, id: string, message: string, field?: string): AnswerText {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(field === undefined ? { error: id, message } : { error: id, message, field }) };
}

/** An edge failure (404, 405, 408, 413, 429, 431, 503, 500…): its id as the error. */
export function financeEdgeAnswer(failure: EdgeFailure): AnswerText {
  return financeAnswerText(failure.status, failure.id, failure.message);
}

/** Renders every error under /api: an ApiError as itself, anything else as `internal-error` (the cause is logged). */
export function apiErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof ApiError) {
        putAnswer(ctx, financeAnswerText(err.status, err.id, err.message, err.field));
        if (err.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId }, 'api request failed');
      putAnswer(ctx, financeEdgeAnswer({ id: 'internal-error', status: 500, message: 'internal error' }));
    }
  };
}
