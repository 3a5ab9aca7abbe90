import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/** Outside the Qimen and callback edges: errors as `{"error": "<id>", "message": "…"}`, never HTML. */
export function jsonErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not-found', message: `no route for ${ctx.method} ${ctx.path}` };
      }
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      if (status >= 500) logger.error({ err, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = status;
      ctx.body = { error: status >= 500 ? 'internal-error' : 'bad-request', message: status >= 500 ? 'internal error' : (err as Error).message };
    }
  };
}
