/**
 * The HTTP plumbing every fake platform shares: a real node:http server on 127.0.0.1 (port 0), a record
 * of every request received, and fault injection. Each platform fake supplies only its handler, which
 * builds answers from its spec.
 *
 * `port` 0 (the default) lets the OS pick a free port; a fixed port that is taken rejects with
 * {@link PortTakenError}.
 *
 * Faults (`failNext(n, kind)`, applied to the next n requests, after they are recorded):
 * - `http500`, `http502`, `http503`, `http429`: that HTTP status with a non-JSON body; the platform does not act.
 * - `hang`: no answer at all (the connection stays open until close()); the platform does not act.
 * - `reset`: the connection is destroyed without an answer; the platform does not act.
 * - `slow:<ms>`: the platform acts, then answers after <ms> (a client that timed out meanwhile has filed
 *   the claim without knowing: the ambiguous case).
 * - `truncated`: the platform acts, then the answer is cut off half-way.
 * - `nonjson`: the platform acts, then answers 200 with an HTML page.
 * - `code:<c>`: the handler answers the platform's own error for business code <c> and does not act.
 * - `pass`: no fault; queued before another kind to aim that one at a later request.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** JSON body parsed, form body as a flat record, otherwise the raw text. */
  body: unknown;
}

export type FaultKind = 'pass' | 'http500' | 'http502' | 'http503' | 'http429' | 'hang' | 'reset' | 'truncated' | 'nonjson' | `slow:${number}` | `code:${string}`;

export interface FakeReply {
  status?: number;
  /** An object is sent as JSON; a string as it is. */
  body: unknown;
  contentType?: string;
}

/** A platform's request handler; `forcedCode` is set when a `code:<c>` fault applies to this request. */
export type FakeHandler = (req: RecordedRequest, forcedCode: string | null) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  failNext(n: number, kind: FaultKind): void;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    rawBody,
    body: parseBody(rawBody, req.headers['content-type']),
  };
}

function render(reply: FakeReply): { status: number; text: string; type: string } {
  const isText = typeof reply.body === 'string';
  return {
    status: reply.status ?? 200,
    text: isText ? (reply.body as string) : JSON.stringify(reply.body),
    type: reply.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
  };
}

/** Where a fake listens: 127.0.0.1 and this port (default 0: any free port). */
export interface FakeListenOptions {
  port?: number;
}

/** The fixed port a fake was asked to listen on is held by another process. */
export class PortTakenError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use`);
    this.name = 'PortTakenError';
  }
}

export async function startFakeServer(handler: FakeHandler, port = 0): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const faults: FaultKind[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (res: ServerResponse, reply: FakeReply): void => {
    const { status, text, type } = render(reply);
    if (!res.destroyed) res.writeHead(status, { 'content-type': type }).end(text);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req);
    requests.push(recorded);
    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'http500') return answer(res, { status: 500, body: '<html><body>500 Internal Server Error</body></html>', contentType: 'text/html' });
    if (fault === 'http429') return answer(res, { status: 429, body: 'Too Many Requests' });
    if (fault === 'http502') return answer(res, { status: 502, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' });
    if (fault === 'http503') return answer(res, { status: 503, body: 'Service Unavailable' });
    const forced = fault?.startsWith('code:') ? fault.slice('code:'.length) : null;
    const reply = await handler(recorded, forced);
    if (fault === 'nonjson') return answer(res, { body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' });
    if (fault === 'truncated') {
      const { status, text, type } = render(reply);
      const bytes = Buffer.from(text, 'utf8');
      res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return void setImmediate(() => req.socket.destroy());
    }
    if (fault?.startsWith('slow:')) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res, reply);
      }, Number(fault.slice('slow:'.length)));
      timers.add(timer);
      return;
    }
    answer(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, { status: 500, body: `fake error: ${String(error)}` }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortTakenError(port) : err));
    server.listen(port, '127.0.0.1', resolve);
  });
  const listening = (server.address() as AddressInfo).port;

  return {
    origin: `http://127.0.0.1:${listening}`,
    requests,
    failNext(n, kind) {
      for (let i = 0; i < n; i++) faults.push(kind);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The pauses of a fake's own loops (callback retries, status pushes): `sleep(ms)` resolves true after `ms`,
 * or false at once when `close()` runs, which also ends every pause still waiting, so a fake closes
 * without waiting out its timers.
 */
export function closableSleeps(): { readonly closed: boolean; sleep(ms: number): Promise<boolean>; close(): void } {
  const sleepers = new Set<() => void>();
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    sleep(ms) {
      return new Promise((resolve) => {
        if (closed) return resolve(false); // a loop that was mid-request when close() ran must not wait out its pause
        const wake = (): void => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve(!closed);
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        sleepers.add(wake);
      });
    },
    close() {
      closed = true;
      for (const wake of [...sleepers]) wake();
    },
  };
}

/** Only loopback targets: fakes never call anything else. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`fake refuses a non-loopback target: ${url}`);
}

/** A form or query value as text, or '' (a missing field). */
export function param(record: unknown, key: string): string {
  const value = (record as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
