import type { Context } from 'koa';
import { type AnswerText, type EdgeFailure, JSON_CONTENT_TYPE, putAnswer } from '../http/edge-failure';

/**
 * The one place where /callbacks/shopex answers are rendered, in ShopEx's answer envelope: success
 * `{"rsp":"succ","res":"","msg_id":…}` once the callback is stored, failure `{"rsp":"fail","res":…,"err_msg":…,"msg_id":…}`
 * for everything else (bad sign, refusals, limits, timeouts, the router's 404/405, internal errors).
 */
export type ShopexAnswer = { rsp: 'succ'; res: ''; msg_id: string } | { rsp: 'fail'; res: string; err_msg: string; msg_id: string };

/** The matrix code of a bad sign: nothing stored. */
export const SHOPEX_BAD_SIGN = '4003';
/** The matrix's "try again" code: a failure on our side (HTTP 5xx) answers it, so that the matrix repeats. */
export const SHOPEX_TRY_AGAIN = 'e00090';

export function shopexSuccess(msgId: string): ShopexAnswer {
  return { rsp: 'succ', res: '', msg_id: msgId };
}

/** A failure: `res` is the matrix's code when given, else `e00090` for an HTTP 5xx, else the HTTP status. */
export function shopexFailure(problem: { status: number; message: string; res?: string }, msgId = ''): ShopexAnswer {
  const res = problem.res ?? (problem.status >= 500 ? SHOPEX_TRY_AGAIN : String(problem.status));
  return { rsp: 'fail', res, err_msg: problem.message, msg_id: msgId };
}

/** An edge failure as ShopEx's envelope with its HTTP status (`msgId`: the callback's, when it was read). */
export function shopexEdgeAnswer(failure: EdgeFailure, msgId = ''): AnswerText {
  return shopexAnswerText(failure.status, shopexFailure(failure, msgId));
}

export function shopexAnswerText(status: number, answer: ShopexAnswer): AnswerText {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(answer) };
}

/** Puts an answer on the response; the msg_id of a failure is the callback's, once the controller read it. */
export function renderShopex(ctx: Context, status: number, answer: ShopexAnswer): void {
  putAnswer(ctx, shopexAnswerText(status, answer));
}

/** The msg_id the controller read from the callback (ctx.state.shopexMsgId), "" before. */
export const shopexMsgIdOf = (ctx: Context): string => String(ctx.state.shopexMsgId ?? '');
