import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { type Child, LOOPBACK, startNode, stopChild, waitForLine } from './support';

/**
 * A TCP proxy on loopback that holds every answer of the upstream server `delayMs` before passing it on:
 * a database that far away (each round trip `delayMs` longer), for the bench's "database farther away"
 * run. Requests go through at once; answers keep their order (timers of one delay fire in order).
 * The bench runs it in a process of its own (startDelayProxyProcess), so that its timers never wait for the
 * load generator's work on the bench's event loop; stopping that process closes every connection.
 */
async function startDelayProxy(upstreamPort: number, delayMs: number): Promise<number> {
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: LOOPBACK, port: upstreamPort });
    for (const s of [client, upstream]) {
      // Every piece goes out when it is due (no Nagle): the answers of a multi-statement batch are several
      // writes, and Nagle's wait for the peer's delayed ACK held them tens of ms beyond the delay.
      s.setNoDelay(true);
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
  return (server.address() as { port: number }).port;
}

/** The proxy in a process of its own (`node dist/bench/delay-proxy.js`, told the upstream port and delay by its environment). */
export async function startDelayProxyProcess(upstreamPort: number, delayMs: number): Promise<{ port: number; child: Child; close(): Promise<void> }> {
  const env = { ...process.env, DELAY_PROXY_UPSTREAM_PORT: String(upstreamPort), DELAY_PROXY_MS: String(delayMs) };
  const child = startNode('delay-proxy', join(__dirname, 'delay-proxy.js'), env);
  const { port } = JSON.parse(await waitForLine(child, (line) => line.startsWith('{'), 15_000)) as { port: number };
  return { port, child, close: () => stopChild(child) };
}

if (require.main === module) {
  void startDelayProxy(Number(process.env.DELAY_PROXY_UPSTREAM_PORT), Number(process.env.DELAY_PROXY_MS)).then((port) => {
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
}
