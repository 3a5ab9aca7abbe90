import type { Context } from 'koa';
import { type AnswerText, type EdgeFailure, putAnswer, TEXT_CONTENT_TYPE } from '../http/edge-failure';

/**
 * The one place where /callbacks/duobaoyu answers are rendered: the plain text SUCCESS once a push is
 * stored, which stops Duobaoyu's retries, and FAIL for everything else (anything but SUCCESS makes
 * Duobaoyu push again, up to 8 times), whatever the HTTP status.
 */
export const DUOBAOYU_PUSH_SUCCESS = 'SUCCESS';
export const DUOBAOYU_PUSH_FAILURE = 'FAIL';

export function duobaoyuAnswerText(status: number, stored: boolean): AnswerText {
  return { status, contentType: TEXT_CONTENT_TYPE, body: stored ? DUOBAOYU_PUSH_SUCCESS : DUOBAOYU_PUSH_FAILURE };
}

/** An edge failure: FAIL with its HTTP status. */
export function duobaoyuEdgeAnswer(failure: EdgeFailure): AnswerText {
  return duobaoyuAnswerText(failure.status, false);
}

export function renderDuobaoyu(ctx: Context, status: number, stored: boolean): void {
  putAnswer(ctx, duobaoyuAnswerText(status, stored));
}
