import type { Clock } from '../../clock';
/**
 * One HTTP exchange with a platform, over undici, bounded by `requestTimeoutMs`, recorded as an
 * AttemptExchange with secrets already removed (the request builder supplies the redacted copy).
 *
 * "Ambiguous" means the request may have reached the platform: every failure after the connection was
 * made counts (a headers or body timeout, a reset, a truncated answer), since we cannot prove otherwise.
 * Only a failure to connect (refused, DNS, connect timeout) is known not to have sent anything.
 *
 * undici runs its headers/body timeouts on coarse timers (about 0.5–1 s resolution), so a timeout fires
 * up to a second late: fine for the default 15 s.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { LAST_ERRORS, type LastError } from '../../claims/claim-reasons';
import type { AttemptExchange } from '../types';

export interface PlatformHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The same request as it is stored on the attempt: secrets replaced (see redact.ts). */
  redacted: { url: string; headers: Record<string, string>; body: string };
}

export type HttpReply =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'failure'; code: TransportFailureCode; message: string; ambiguous: boolean; words: LastError };

export type TransportFailureCode = 'network' | 'connect_failed' | 'timeout' | 'response_too_large';

export interface ClientOptions {
  /** Whole-request bound (connect, then headers, then body each at most this), default 15000. */
  requestTimeoutMs?: number;
  /** Largest answer read, default 1 MiB; a bigger one is a retryable failure. */
  maxResponseBytes?: number;
  /** An undici dispatcher to use instead of the client's own Agent (the client then does not close it). */
  dispatcher?: Dispatcher;
  /** Clock for timestamps, for tests. */
  now?: Clock;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Errors raised before any byte of the request could have been sent. */
const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

class ResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(LAST_ERRORS.responseTooLarge(maxBytes).message);
  }
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function failureOf(error: unknown): HttpReply {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  const failure = (words: LastError, ambiguous: boolean): HttpReply =>
    ({ kind: 'failure', code: words.code as TransportFailureCode, message: words.message, ambiguous, words });
  if (error instanceof ResponseTooLarge) return failure(LAST_ERRORS.responseTooLarge(error.maxBytes), true);
  if (code && CONNECT_ERROR_CODES.has(code)) return failure(LAST_ERRORS.connectFailed(`${code}: ${message}`), false);
  if (code && TIMEOUT_ERROR_CODES.has(code)) return failure(LAST_ERRORS.timeout(`${code}: ${message}`), true);
  return failure(LAST_ERRORS.network(code ? `${code}: ${message}` : message), true);
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new ResponseTooLarge(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends platform requests with one timeout policy; owns an undici Agent unless given a dispatcher. */
export class PlatformHttp {
  readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: ClientOptions = {}) {
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: this.timeoutMs } });
  }

  async call(req: PlatformHttpRequest): Promise<{ reply: HttpReply; exchange: AttemptExchange }> {
    const started = performance.now();
    let status: number | null = null;
    let reply: HttpReply;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? undefined,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      reply = { kind: 'response', status, body: await readCapped(res.body, this.maxResponseBytes) };
    } catch (error) {
      reply = failureOf(error);
    }
    const exchange: AttemptExchange = {
      request: { method: req.method, url: req.redacted.url, headers: req.redacted.headers, body: req.redacted.body },
      response: { status, body: reply.kind === 'response' ? reply.body : null },
      latencyMs: Math.round(performance.now() - started),
    };
    return { reply, exchange };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
