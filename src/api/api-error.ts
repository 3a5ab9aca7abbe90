import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/**
 * Finance API errors: a stable id, an HTTP status and a message safe to show (docs/http-contract.md); a
 * refused parameter also names its `field`, so that a page can say which of its inputs is wrong in its own words.
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

/** Renders every error under /api as `{"error": id, "message": …}`; unknown errors as a bare 500. */
export function apiErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.body = err.field === undefined ? { error: err.id, message: err.message } : { error: err.id, message: err.message, field: err.field };
        if (err.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId }, 'api request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal-error', message: 'internal error' };
    }
  };
}
