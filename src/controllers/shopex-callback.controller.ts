import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { summarizeBody } from '../callbacks/body-summary';
import { CallbackRefusal, type CallbackProblem } from '../callbacks/callback-errors';
import { parsePhpForm } from '../callbacks/php-form';
import { handleShopexCallback } from '../handlers/shopex-callback.handler';
import { verifyShopexSign } from '../verify/shopex-sign';

/** Largest callback body read (a ShopEx result is a few KB). */
export const SHOPEX_CALLBACK_MAX_BYTES = 1024 * 1024;

/**
 * ShopEx's failure envelope, for every failure of the route: `res` is the matrix's code or the HTTP status,
 * `err_msg` says what went wrong. A 500 answers `e00090` ("try again"), so that the matrix repeats.
 */
export function shopexCallbackFailure(ctx: Context, problem: CallbackProblem & { res?: string }): Record<string, string> {
  const res = problem.res ?? (problem.status >= 500 ? 'e00090' : String(problem.status));
  return { rsp: 'fail', res, err_msg: problem.message, msg_id: String(ctx.state.shopexMsgId ?? '') };
}

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
export function shopexCallbackController(deps: { config: Config; dataSource: DataSource; now?: () => Date }) {
  return async (ctx: Context) => {
    const body = await readBody(ctx);
    ctx.state.callbackBody = summarizeBody(body); // all that a log line may say about the body
    const { fields, utf8 } = parsePhpForm(body);
    const msgId = typeof fields.msg_id === 'string' ? fields.msg_id : '';
    ctx.state.shopexMsgId = msgId;
    const token = deps.config.platforms.shopex?.token;
    if (!token || !utf8 || !verifyShopexSign(fields, token)) {
      ctx.body = shopexCallbackFailure(ctx, { status: 200, res: '4003', message: 'sign error' });
      ctx.state.callbackOutcome = 'bad-sign';
      return;
    }
    const { sign: _sign, ...signed } = fields;
    await handleShopexCallback(deps.dataSource, signed, (deps.now ?? (() => new Date()))());
    ctx.body = { rsp: 'succ', res: '', msg_id: msgId };
    ctx.state.callbackOutcome = 'stored'; // counted by callbackMetrics (src/metrics); a throw is counted as error
  };
}
