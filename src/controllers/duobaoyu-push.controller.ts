import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { handleDuobaoyuPush } from '../handlers/duobaoyu-push.handler';
import { renderDuobaoyu } from '../callbacks/duobaoyu-answers';
import { PLATFORM_REGISTRY } from '../platforms';
import { verifyDuobaoyuPush } from '../platforms/duobaoyu/push';
import { type Clock, systemClock } from '../clock';

/**
 * POST /callbacks/duobaoyu: a JSON status push signed with the app secret (the assumed rule of
 * docs/signing.md, a named strategy in platforms/duobaoyu/push.ts). Answers the text SUCCESS only after the
 * push is stored; a bad sign or an unreadable push answers FAIL and stores nothing.
 */
export function duobaoyuPushController(deps: { config: Config; dataSource: DataSource; now?: Clock }) {
  return async (ctx: Context) => {
    const body = (ctx.request as { body?: unknown }).body;
    const secret = deps.config.platforms.duobaoyu?.appSecret;
    const record = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    const push = record ? PLATFORM_REGISTRY.duobaoyu.callback.read(record) : null;
    // The sign is checked over the body's exact text, read as PHP reads it (floats, big ints, key order).
    const text = (ctx.request as { rawBody?: string }).rawBody ?? '';
    if (!secret || !record || !push || !verifyDuobaoyuPush(text, secret)) {
      ctx.state.callbackOutcome = !push ? 'unreadable' : 'bad-sign';
      renderDuobaoyu(ctx, 200, false);
      return;
    }
    const { sign: _sign, ...payload } = record;
    await handleDuobaoyuPush(deps.dataSource, push, payload, (deps.now ?? systemClock)());
    renderDuobaoyu(ctx, 200, true);
    ctx.state.callbackOutcome = 'stored'; // counted by callbackMetrics (src/metrics); a throw is counted as error
  };
}
