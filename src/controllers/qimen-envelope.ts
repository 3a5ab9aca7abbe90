import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { QimenError } from '../errors/qimen-errors';

/** The danniao.judge answer (docs/signing.md, "The answer envelope"). */
export function qimenSuccess(data: object, now = Date.now()) {
  return { error: '200', data, errorMessage: '操作成功', timestamp: now, errorId: 'success' };
}

export function qimenFailure(err: QimenError) {
  return { errorMessage: err.message, errorId: err.errorId, error: err.code };
}

/**
 * Renders every outcome of a Qimen request as the envelope: a QimenError as its failure, anything else
 * as `internal-error` (HTTP 500) whose message says nothing of the cause; the cause goes to the log.
 */
export function qimenEnvelope(logger: () => Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const known = err instanceof QimenError ? err : null;
      if (!known) logger().error({ err, requestId: ctx.state.requestId }, 'qimen push failed');
      const failure = known ?? new QimenError('internal-error', 'internal error, please push again');
      ctx.status = failure.httpStatus;
      ctx.body = qimenFailure(failure);
      ctx.state.qimenErrorId = failure.errorId;
    }
  };
}
