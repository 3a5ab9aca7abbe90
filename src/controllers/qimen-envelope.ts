import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { QimenError } from '../errors/qimen-errors';

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
export function qimenAnswerText(answer: QimenAnswer, format: 'json' | 'xml'): { contentType: string; body: string } {
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

/**
 * Any other request under /qimen (another HTTP method, another path): a failure in the envelope with the
 * HTTP status that names it (405 with `Allow: POST`, 404), never a bare HTTP answer. POST /qimen passes.
 */
export async function qimenOtherRequests(ctx: Context, next: Next): Promise<void> {
  const onQimen = ctx.path === '/qimen';
  if (!onQimen && !ctx.path.startsWith('/qimen/')) return next();
  if (onQimen && ctx.method === 'POST') return next();
  if (onQimen) ctx.set('Allow', 'POST');
  const failure = new QimenError('invalid-parameter', onQimen ? `${ctx.method} is not allowed: push with POST` : `no such path ${ctx.path}: push to /qimen`);
  ctx.status = onQimen ? 405 : 404;
  renderQimen(ctx, qimenFailure(failure));
  ctx.state.qimenErrorId = failure.errorId;
}
