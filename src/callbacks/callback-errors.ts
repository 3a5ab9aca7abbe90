import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { type AnswerText, type EdgeFailure, failureOfStatus, putAnswer } from '../http/edge-failure';

/**
 * A callback refused for what it is (too large, unreadable, too large to store): answered with `status`
 * in the platform's own failure envelope, with `message` as its clear error.
 */
export class CallbackRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The error's name, code and first characters of its message: never its other properties (a failed query's parameters hold the body). */
function errorSummary(err: unknown): { name: string; code?: string; message: string } {
  const e = err as { name?: unknown; code?: unknown; message?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: String(e?.message ?? err).slice(0, 200),
  };
}

/** A body parser's client error (koa-bodyparser: invalid JSON 400, too large 413), or a CallbackRefusal. */
function refusalOf(err: unknown): EdgeFailure | null {
  if (err instanceof CallbackRefusal) return failureOfStatus(err.status, err.message);
  const e = err as { status?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return failureOfStatus(e.status, e.status === 413 ? 'callback body too large' : 'callback body is not readable');
  }
  return null;
}

/**
 * Renders every error of a callback route in the platform's failure envelope, which makes the platform
 * repeat it. A refusal (the callback's own fault) keeps its 4xx status; anything else is HTTP 500, "not
 * stored". The log line carries the request id, the error's summary and at most the body's summary that
 * the controller left in `ctx.state.callbackBody` (size, hash, first bytes): never the body.
 */
export function callbackErrors(logger: Logger, answer: (ctx: Context, failure: EdgeFailure) => AnswerText) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const refusal = refusalOf(err);
      const failure = refusal ?? failureOfStatus(500, 'not stored, please repeat');
      const line = { requestId: ctx.state.requestId, path: ctx.path, status: failure.status, error: errorSummary(err), body: ctx.state.callbackBody };
      if (refusal) ctx.state.callbackOutcome = 'unreadable';
      if (refusal) logger.warn(line, 'callback refused');
      else logger.error(line, 'callback not stored');
      putAnswer(ctx, answer(ctx, failure));
    }
  };
}
