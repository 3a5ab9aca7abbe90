import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { summarizeBody } from '../callbacks/body-summary';
import { CallbackRefusal } from '../callbacks/callback-errors';
import { renderShopex, SHOPEX_BAD_SIGN, shopexFailure, shopexSuccess } from '../callbacks/shopex-answers';
import { CALLBACK_MAX_BODY_BYTES } from '../callbacks/limits';
import { parsePhpForm } from '../callbacks/php-form';
import { handleShopexCallback } from '../handlers/shopex-callback.handler';
import { verifyShopexSign } from '../verify/shopex-sign';
import { type Clock, systemClock } from '../clock';

/** Largest callback body read (a ShopEx result is a few KB). */
export const SHOPEX_CALLBACK_MAX_BYTES = CALLBACK_MAX_BODY_BYTES;

async function readBody(ctx: Context): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit: SHOPEX_CALLBACK_MAX_BYTES, length: ctx.request.length });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      ctx.set('Connection', 'close'); // the rest of the body is not read
      throw new CallbackRefusal(413, `callback body over ${SHOPEX_CALLBACK_MAX_BYTES} bytes`);
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') throw new CallbackRefusal(400, 'callback body ended before its Content-Length');
    throw err;
  }
}

/**
 * POST /callbacks/shopex: ShopEx's async result, a form post signed with the node token, read as ECstore's
 * PHP reads it (nested names, last value of a repeated name: php-form.ts). Answers
 * `{"rsp":"succ","res":"","msg_id":…}` only once the callback is stored; a bad sign answers 4003 and
 * changes nothing; a verified callback that is not well formed is stored for review and changes no claim.
 */
export function shopexCallbackController(deps: { config: Config; dataSource: DataSource; now?: Clock }) {
  return async (ctx: Context) => {
    const body = await readBody(ctx);
    ctx.state.callbackBody = summarizeBody(body); // all that a log line may say about the body
    const { fields, utf8 } = parsePhpForm(body);
    const msgId = typeof fields.msg_id === 'string' ? fields.msg_id : '';
    ctx.state.shopexMsgId = msgId;
    const token = deps.config.platforms.shopex?.token;
    if (!token || !utf8 || !verifyShopexSign(fields, token)) {
      renderShopex(ctx, 200, shopexFailure({ status: 200, res: SHOPEX_BAD_SIGN, message: 'sign error' }, msgId));
      ctx.state.callbackOutcome = 'bad-sign';
      return;
    }
    const { sign: _sign, ...signed } = fields;
    await handleShopexCallback(deps.dataSource, signed, (deps.now ?? systemClock)());
    renderShopex(ctx, 200, shopexSuccess(msgId));
    ctx.state.callbackOutcome = 'stored'; // counted by callbackMetrics (src/metrics); a throw is counted as error
  };
}
