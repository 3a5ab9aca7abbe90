import type { IncomingMessage, ServerResponse } from 'node:http';
import { edgeAnswer, edgeOf } from './edges';

/**
 * The HTTP answers of a process that listens while its database is not reachable yet (src/main.ts):
 * `/healthz` 200 (the process runs), `/readyz` 503, a push or platform callback the failure its sender
 * repeats (Qimen `internal-error` with HTTP 500, ShopEx `fail`, Duobaoyu `FAIL`, both HTTP 500: nothing is
 * stored, nothing acknowledged), anything else 503.
 */
export function startingHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, contentType: string, body: string) =>
      // The request body is not read: the connection is closed after the answer.
      res.writeHead(status, { 'content-type': contentType, connection: 'close' }).end(body);
    if (path === '/healthz') return send(200, 'application/json; charset=utf-8', JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') return send(503, 'application/json; charset=utf-8', JSON.stringify({ status: 'unavailable', reason: 'database not reachable yet' }));
    const pushed = edgeOf(path) !== 'finance'; // a push or callback: HTTP 500, which its sender repeats
    const message = pushed ? 'service starting: not stored, please send again' : 'the service is starting: its database is not reachable yet';
    const answer = edgeAnswer(req.url, { id: 'starting', status: pushed ? 500 : 503, message });
    send(answer.status, answer.contentType, answer.body);
  };
}
