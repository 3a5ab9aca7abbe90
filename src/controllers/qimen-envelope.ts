import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { QimenError, type QimenErrorId } from '../errors/qimen-errors';
import type { AnswerText, EdgeFailure, EdgeFailureId } from '../http/edge-failure';

/**
 * The one place where /qimen answers are rendered. JSON is danniao.judge's envelope; a push sent with
 * `format=xml` is answered in Qimen's generic XML envelope with the same facts
 * (`<response><flag>success|failure</flag><code>…</code><message>…</message>…</response>`).
 */
export interface QimenAnswer {
  error: string;
  errorMessage: string;
  errorId: string;
  data?: object;
  timestamp?: number;
}

/** The danniao.judge success answer (docs/signing.md, "The answer envelope"). */
export function qimenSuccess(data: object, now = Date.now()): QimenAnswer {
  return { error: '200', data, errorMessage: '操作成功', timestamp: now, errorId: 'success' };
}

export function qimenFailure(err: QimenError): QimenAnswer {
  return { errorMessage: err.message, errorId: err.errorId, error: err.code };
}

/** `json` unless the query asks for `format=xml` (the last `format` wins, as Qimen's SDK reads a query). */
export function qimenFormat(querystring: string): 'json' | 'xml' {
  const given = new URLSearchParams(querystring).getAll('format').pop();
  return given?.toLowerCase() === 'xml' ? 'xml' : 'json';
}

const XML_TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xmlText = (s: string) => s.replace(/[&<>"']/g, (c) => XML_TEXT[c]);

/** Qimen's XML envelope of an answer. */
export function qimenXml(answer: QimenAnswer): string {
  const parts = [
    `<flag>${answer.error === '200' ? 'success' : 'failure'}</flag>`,
    `<code>${xmlText(answer.error)}</code>`,
    `<message>${xmlText(answer.errorMessage)}</message>`,
    `<errorId>${xmlText(answer.errorId)}</errorId>`,
  ];
  if (answer.data) {
    const fields = Object.entries(answer.data).map(([k, v]) => `<${k}>${xmlText(String(v))}</${k}>`);
    parts.push(`<data>${fields.join('')}</data>`);
  }
  return `<?xml version="1.0" encoding="utf-8"?><response>${parts.join('')}</response>`;
}

/** An answer as the body and content type of a raw HTTP response (for writers outside Koa: timeouts, 431). */
export function qimenAnswerText(answer: QimenAnswer, format: 'json' | 'xml'): Omit<AnswerText, 'status'> {
  return format === 'xml'
    ? { contentType: 'application/xml; charset=utf-8', body: qimenXml(answer) }
    : { contentType: 'application/json; charset=utf-8', body: JSON.stringify(answer) };
}

/** Puts an answer on the response, in the request's format. */
export function renderQimen(ctx: Context, answer: QimenAnswer): void {
  const text = qimenAnswerText(answer, qimenFormat(ctx.querystring));
  ctx.type = text.contentType;
  ctx.body = text.body;
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
      renderQimen(ctx, qimenFailure(failure));
      ctx.state.qimenErrorId = failure.errorId;
    }
  };
}

/** Which Qimen failure stands for each edge failure. */
const QIMEN_ERROR_OF: Record<EdgeFailureId, QimenErrorId> = {
  'bad-request': 'invalid-parameter',
  'not-found': 'invalid-parameter',
  'method-not-allowed': 'invalid-parameter',
  'headers-too-large': 'invalid-parameter',
  'request-timeout': 'request-timeout',
  'body-too-large': 'body-too-large',
  'rate-limited': 'rate-limited',
  'server-busy': 'server-busy',
  'internal-error': 'internal-error',
  starting: 'internal-error',
};

/**
 * An edge failure (the router's 404/405/501, the HTTP server's 408/431, start-up) in the envelope of the
 * request's format. A failure of the request's shape keeps the HTTP status that names it (404, 405, 431);
 * any other takes its Qimen failure's status (408, 500, 503; 200 for rate-limited and body-too-large).
 */
export function qimenEdgeAnswer(failure: EdgeFailure, querystring: string): AnswerText {
  const err = new QimenError(QIMEN_ERROR_OF[failure.id], failure.message);
  const status = err.httpStatus === 200 && err.errorId === 'invalid-parameter' ? failure.status : err.httpStatus;
  return { status, ...qimenAnswerText(qimenFailure(err), qimenFormat(querystring)) };
}
