import type { Context } from 'koa';

/**
 * A failure found around an edge's own handler — by the HTTP server (408, 431), the router (404, 405, 501),
 * a limit (413, 429, 503), the start-up handler, or an unexpected error (500) — which each edge renders in
 * its caller's envelope (src/http/edges.ts picks the edge; each edge's answers module renders it).
 */
export type EdgeFailureId =
  | 'bad-request'
  | 'not-found'
  | 'method-not-allowed'
  | 'headers-too-large'
  | 'request-timeout'
  | 'body-too-large'
  | 'rate-limited'
  | 'server-busy'
  | 'internal-error'
  | 'starting';

export interface EdgeFailure {
  id: EdgeFailureId;
  /** The HTTP status that names the failure; an edge may answer another (Qimen answers rate-limited with 200). */
  status: number;
  message: string;
}

/** An answer as status, content type and body text: put on a Koa response, or written straight to a socket. */
export interface AnswerText {
  status: number;
  contentType: string;
  body: string;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** The failure an HTTP error status stands for, with `message`. */
export function failureOfStatus(status: number, message: string): EdgeFailure {
  const ids: Record<number, EdgeFailureId> = {
    404: 'not-found', 405: 'method-not-allowed', 501: 'method-not-allowed', 408: 'request-timeout', 413: 'body-too-large',
    429: 'rate-limited', 431: 'headers-too-large', 503: 'server-busy',
  };
  return { id: ids[status] ?? (status >= 500 ? 'internal-error' : 'bad-request'), status, message };
}

/** Puts an answer on the Koa response. */
export function putAnswer(ctx: Context, answer: AnswerText): void {
  ctx.status = answer.status;
  ctx.type = answer.contentType;
  ctx.body = answer.body;
}
