import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnswerText } from './edge-failure';
import { edgeAnswer } from './edges';

/**
 * The HTTP server of the service, shared by `npm start` (src/main.ts) and the test harness, so the
 * timeouts the tests prove are the ones production runs with.
 *
 * - `requestTimeoutMs`: the longest a request may take to arrive, headers and body (a 20 MB push on a
 *   slow link still finishes; a slow-loris body trickling a byte at a time does not hold a socket for
 *   ever). Handling time after the body has arrived is not counted.
 * - `headersTimeoutMs`: the longest the headers alone may take (never more than requestTimeoutMs).
 * - `keepAliveTimeoutMs`: how long an idle keep-alive connection stays open.
 *
 * A request cut by a timeout is answered 408 in the envelope of its route (when its headers had arrived),
 * then the connection is closed.
 */
export interface HttpServerOptions {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_SERVER_OPTIONS: HttpServerOptions = { requestTimeoutMs: 120_000, headersTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 };

function positiveMs(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (milliseconds), got "${raw}"`);
  return n;
}

/** REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS and KEEP_ALIVE_TIMEOUT_MS, else the defaults. */
export function httpServerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpServerOptions {
  return {
    requestTimeoutMs: positiveMs('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, DEFAULT_HTTP_SERVER_OPTIONS.requestTimeoutMs),
    headersTimeoutMs: positiveMs('HEADERS_TIMEOUT_MS', env.HEADERS_TIMEOUT_MS, DEFAULT_HTTP_SERVER_OPTIONS.headersTimeoutMs),
    keepAliveTimeoutMs: positiveMs('KEEP_ALIVE_TIMEOUT_MS', env.KEEP_ALIVE_TIMEOUT_MS, DEFAULT_HTTP_SERVER_OPTIONS.keepAliveTimeoutMs),
  };
}

/**
 * The answer to a request whose headers were too large (431), in the envelope of the route named by the
 * request line Node had read (`rawStart`); without a readable request line, the finance API's.
 */
export function headersTooLargeAnswer(rawStart: string): AnswerText {
  const target = /^[A-Z]+ (\/[^ ]*)/.exec(rawStart)?.[1];
  return edgeAnswer(target, { id: 'headers-too-large', status: 431, message: 'request headers (or URL) are too large' });
}

/** The answer to a request cut by the request timeout, in the envelope of the route it was sent to. */
export function requestTimeoutAnswer(url: string | undefined): AnswerText {
  return edgeAnswer(url, { id: 'request-timeout', status: 408, message: 'the request did not arrive in time, please send it again' });
}

/** A whole HTTP response, written straight to the socket (Koa never saw the request). */
function rawResponse(reason: string, answer: AnswerText | null, status = answer?.status ?? 400): string {
  const body = answer ? Buffer.from(answer.body, 'utf8') : Buffer.alloc(0);
  const head = [`HTTP/1.1 ${status} ${reason}`, 'Connection: close', `Content-Length: ${body.length}`];
  if (answer) head.push(`Content-Type: ${answer.contentType}`);
  return `${head.join('\r\n')}\r\n\r\n${body.toString('utf8')}`;
}

/**
 * A node:http server for `handler` with the given timeouts. Node checks the timeouts every
 * `connectionsCheckingInterval`; it is set to a quarter of the shorter timeout (at most Node's 30 s), so
 * a request is cut between 1× and 1.25× its timeout.
 */
export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void, options: Partial<HttpServerOptions> = {}): Server {
  const o = { ...DEFAULT_HTTP_SERVER_OPTIONS, ...options };
  const headersTimeoutMs = Math.min(o.headersTimeoutMs, o.requestTimeoutMs);
  const server = createServer(
    {
      requestTimeout: o.requestTimeoutMs,
      headersTimeout: headersTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(headersTimeoutMs / 4))),
    },
    handler,
  );

  // The request in flight on each socket, so a timeout can be answered in its route's envelope.
  const inFlight = new WeakMap<Duplex, { url: string | undefined; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, { url: req.url, res });
    res.once('close', () => {
      if (inFlight.get(socket)?.res === res) inFlight.delete(socket);
    });
  });

  // Node's own handling, except that a timeout names its cause in the route's envelope.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const current = inFlight.get(socket);
    const answered = current?.res.headersSent ?? false;
    if (socket.writable && !answered && err.code !== 'ECONNRESET') {
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.write(rawResponse('Request Timeout', requestTimeoutAnswer(current?.url)));
      else if (err.code === 'HPE_HEADER_OVERFLOW') {
        const start = (err as { rawPacket?: Buffer }).rawPacket?.toString('latin1', 0, 2048) ?? '';
        socket.write(rawResponse('Request Header Fields Too Large', headersTooLargeAnswer(start)));
      }
      else socket.write(rawResponse('Bad Request', null));
    }
    socket.destroy();
  });
  return server;
}
