import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { financeEdgeAnswer } from '../api/api-error';
import { duobaoyuEdgeAnswer } from '../callbacks/duobaoyu-answers';
import { shopexEdgeAnswer, shopexMsgIdOf } from '../callbacks/shopex-answers';
import { qimenEdgeAnswer } from '../controllers/qimen-envelope';
import { PLATFORM_REGISTRY } from '../platforms';
import { type AnswerText, type EdgeFailure, failureOfStatus, putAnswer } from './edge-failure';

/**
 * The service's edges, each answering in its caller's envelope: Qimen (/qimen and below), ShopEx's and
 * Duobaoyu's callbacks, and the finance API, whose `{"error","message"}` envelope every other route
 * (health, metrics, the OpenAPI document, the finance page) shares.
 */
export type Edge = 'qimen' | 'shopex' | 'duobaoyu' | 'finance';

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function edgeOf(path: string): Edge {
  if (under(path, '/qimen')) return 'qimen';
  if (under(path, PLATFORM_REGISTRY.shopex.callback.path)) return 'shopex';
  if (under(path, PLATFORM_REGISTRY.duobaoyu.callback.path)) return 'duobaoyu';
  return 'finance';
}

/** A failure of a request to `url` (path and query), in the envelope of the edge it was sent to. */
export function edgeAnswer(url: string | undefined, failure: EdgeFailure, shopexMsgId = ''): AnswerText {
  const [path, query = ''] = (url ?? '').split('?', 2);
  switch (edgeOf(path)) {
    case 'qimen':
      return qimenEdgeAnswer(failure, query);
    case 'shopex':
      return shopexEdgeAnswer(failure, shopexMsgId);
    case 'duobaoyu':
      return duobaoyuEdgeAnswer(failure);
    case 'finance':
      return financeEdgeAnswer(failure);
  }
}

/** The failure of a request no route answered (Koa's 404, the router's 405 or 501). */
function unansweredFailure(ctx: Context): EdgeFailure {
  const allow = ctx.response.get('Allow');
  if (ctx.status === 405 || ctx.status === 501) {
    return failureOfStatus(ctx.status, `${ctx.method} is not allowed${allow ? `: use ${allow}` : ''}`);
  }
  return failureOfStatus(ctx.status, ctx.status === 404 ? `no route for ${ctx.method} ${ctx.path}` : `request failed with HTTP ${ctx.status}`);
}

/**
 * The outermost error middleware: an error no edge rendered, and a failure status left without a body (a
 * path no route serves, a method a route does not take), in the envelope of the request's edge — never
 * Koa's bare text or HTML. A 5xx says nothing of its cause; the cause goes to the log.
 */
export function edgeErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null) putAnswer(ctx, edgeAnswer(ctx.url, unansweredFailure(ctx), shopexMsgIdOf(ctx)));
    } catch (err) {
      const given = (err as { status?: unknown }).status;
      const status = typeof given === 'number' && given >= 400 && given < 600 ? given : 500;
      if (status >= 500) logger.error({ err, requestId: ctx.state.requestId }, 'request failed');
      const failure = failureOfStatus(status, status >= 500 ? 'internal error' : (err as Error).message);
      putAnswer(ctx, edgeAnswer(ctx.url, failure, shopexMsgIdOf(ctx)));
    }
  };
}
