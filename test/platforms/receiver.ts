/**
 * A tiny loopback HTTP receiver standing in for our service when a test drives a fake's callback or push
 * loop: records every request and answers with what the test's handler says.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ReceiverReply {
  status?: number;
  body: string;
  contentType?: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port><path>` */
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(
  answer: (req: ReceivedRequest, index: number) => ReceiverReply,
  path = '/callbacks',
): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(recorded);
      const reply = answer(recorded, received.length - 1);
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8' }).end(reply.body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `check()` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
