import { connect } from 'node:net';
import type { Answer } from './openapi-answers';

/**
 * Writes raw bytes to the service and reads its answer until the server closes the connection: for the
 * answers the HTTP server itself gives (431 for oversized headers, 400 for a request it cannot parse, 408
 * for a request that does not arrive in time), which fetch cannot provoke. The socket is left open after
 * writing (a request still arriving, as far as the server knows). Bounded by `timeoutMs`.
 */
export function rawExchange(baseUrl: string, request: string | Buffer, timeoutMs = 10_000): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined); // the server may reset after answering; what was read is the answer
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseAnswer(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parseAnswer(raw: string): Answer {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
  if (!status) throw new Error(`not an HTTP status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status[1]), headers, text: raw.slice(end + 4) };
}

/** A request whose headers exceed Node's 16 KiB limit. */
export const oversizedHeaders = (method: string, path: string) => `${method} ${path} HTTP/1.1\r\nHost: test\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`;

/** A request whose body stops short of its Content-Length: the server waits for the rest until its request timeout. */
export const unfinishedBody = (method: string, path: string, contentType: string, body: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body) + 100}\r\n\r\n${body}`;

/** A request line Node's HTTP parser refuses. */
export const unparsableRequest = (method: string, path: string) => `${method} ${path} HTTP/1.1\r\nHost: test\r\nBad Header Name: x\r\n\r\n`;
