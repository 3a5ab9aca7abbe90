import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { handleShopexCallback } from '../handlers/shopex-callback.handler';
import { verifyShopexSign } from '../verify/shopex-sign';
import { type Clock, systemClock } from '../clock';

/**
 * POST /callbacks/shopex: ShopEx's async result, a form post signed with the node token. Answers
 * `{"rsp":"succ","res":"","msg_id":…}` only once the callback is stored; a bad sign answers 4003 and
 * changes nothing; a failure to store answers `fail` so the matrix keeps repeating it.
 */
export function shopexCallbackController(deps: { config: Config; dataSource: DataSource; now?: Clock }) {
  return async (ctx: Context) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    // Flat fields exactly as posted (no nested `a[b]` parsing): the sign covers them as they are.
    const fields: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(raw)) if (!(k in fields)) fields[k] = v;
    const msgId = fields.msg_id ?? '';
    ctx.state.shopexMsgId = msgId;
    const token = deps.config.platforms.shopex?.token;
    const { sign = '', ...signed } = fields;
    if (!token || !sign || !verifyShopexSign(fields, token)) {
      ctx.body = { rsp: 'fail', res: '4003', err_msg: 'sign error', msg_id: msgId };
      ctx.state.callbackOutcome = 'bad-sign';
      return;
    }
    await handleShopexCallback(deps.dataSource, signed, (deps.now ?? systemClock)());
    ctx.body = { rsp: 'succ', res: '', msg_id: msgId };
    ctx.state.callbackOutcome = 'stored'; // counted by callbackMetrics (src/metrics); a throw is counted as error
  };
}
