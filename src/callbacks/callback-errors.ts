import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/**
 * A callback we could not store must not be acknowledged: the platform then repeats it. Renders any
 * error as HTTP 500 with the platform's own failure answer, logging the cause with the request id.
 */
export function callbackErrors(logger: Logger, failure: (ctx: Context) => unknown) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'callback not stored');
      ctx.status = 500;
      ctx.body = failure(ctx);
    }
  };
}
