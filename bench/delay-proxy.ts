import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './support';

/**
 * A TCP proxy on loopback that holds every answer of the upstream server `delayMs` before passing it on:
 * a database that far away (each round trip `delayMs` longer), for the bench's "database farther away"
 * run. Requests go through at once; answers keep their order (timers of one delay fire in order).
 */
export async function startDelayProxy(upstreamPort: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: LOOPBACK, port: upstreamPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
