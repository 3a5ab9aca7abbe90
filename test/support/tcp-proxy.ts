import { createServer, Server, Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback between the service and its database, so a test can break the connection the
 * ways a network does:
 * - `cut()` / `restore()`: every open connection destroyed, new ones refused (accepted, then closed at
 *   once) until restored;
 * - `freeze()`: nothing forwarded any more and nothing closed, open connections and new ones alike (a database
 *   that stopped answering), until `restore()` lets new connections through;
 * - `resetAll()`: every open connection reset (RST to both ends), new ones still let through;
 * - `resetAfterNextQuery(…)`: the next client→server write of at least `minBytes` (a statement, not a
 *   keep-alive ping) is forwarded, then its connection is reset `delayMs` later: the server has the
 *   statements and is running them when the client vanishes;
 * - `stall(ms)`: every connection, open or opened meanwhile, stops forwarding in both directions (each
 *   end's writes pile up unread, as behind a dead link), then is reset.
 */
export interface TcpProxy {
  port: number;
  cut(): void;
  freeze(): void;
  restore(): void;
  resetAll(): void;
  /** Resolves once the armed reset has fired (on the next qualifying write), or with false when disarmed by close(). */
  resetAfterNextQuery(opts: { minBytes: number; delayMs: number }): Promise<boolean>;
  /** Cancels an armed reset that has not fired (its promise resolves false). */
  disarm(): void;
  stall(ms: number): Promise<void>;
  /** Connections currently open through the proxy. */
  openConnections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  stalled: boolean;
  reset(): void;
}

interface ArmedReset {
  minBytes: number;
  delayMs: number;
  fired(ok: boolean): void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const timers = new Set<NodeJS.Timeout>();
  let state: 'open' | 'cut' | 'frozen' = 'open';
  const frozen = new Set<Socket>();
  let stalling = false;
  let armed: ArmedReset | null = null;
  const stallsEnding = new Set<() => void>();

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** Forwards `from`'s bytes to `to` by hand (not pipe), so a stall can stop it and a write can trigger an armed reset. */
  function forward(pair: Pair, from: Socket, to: Socket, clientToServer: boolean) {
    from.on('data', (chunk: Buffer) => {
      if (to.destroyed) return;
      if (!to.write(chunk)) from.pause();
      if (clientToServer && armed && chunk.length >= armed.minBytes) {
        const { delayMs, fired } = armed;
        armed = null;
        if (delayMs <= 0) setImmediate(pair.reset);
        else later(delayMs, pair.reset);
        fired(true);
      }
    });
    to.on('drain', () => {
      if (!pair.stalled) from.resume();
    });
  }

  const server: Server = createServer((client) => {
    if (state === 'cut') return client.destroy();
    if (state === 'frozen') {
      client.on('error', () => undefined);
      client.on('close', () => frozen.delete(client));
      frozen.add(client);
      return client.pause();
    }
    const upstream = connect(target.port, target.host);
    const pair: Pair = {
      client,
      upstream,
      stalled: false,
      reset() {
        for (const s of [client, upstream]) if (!s.destroyed) s.resetAndDestroy();
      },
    };
    pairs.add(pair);
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      // One end closed (or was reset): the other goes too, as a plain close.
      s.on('close', () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(pair, client, upstream, true);
    forward(pair, upstream, client, false);
    if (stalling) stallPair(pair);
  });

  function stallPair(pair: Pair) {
    pair.stalled = true;
    pair.client.pause();
    pair.upstream.pause();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      state = 'cut';
      for (const p of pairs) p.reset();
    },
    freeze() {
      state = 'frozen';
      for (const p of pairs) stallPair(p);
    },
    restore() {
      state = 'open';
    },
    resetAll() {
      for (const p of pairs) p.reset();
    },
    disarm() {
      armed?.fired(false);
      armed = null;
    },
    resetAfterNextQuery({ minBytes, delayMs }) {
      armed?.fired(false);
      return new Promise<boolean>((resolve) => {
        armed = { minBytes, delayMs, fired: resolve };
      });
    },
    stall(ms) {
      stalling = true;
      for (const p of pairs) stallPair(p);
      return new Promise<void>((resolve) => {
        const end = () => {
          stallsEnding.delete(end);
          stalling = false;
          for (const p of pairs) if (p.stalled) p.reset();
          resolve();
        };
        stallsEnding.add(end);
        later(ms, end);
      });
    },
    openConnections: () => pairs.size,
    close: () =>
      new Promise<void>((resolve) => {
        armed?.fired(false);
        armed = null;
        for (const t of timers) clearTimeout(t);
        for (const end of [...stallsEnding]) end();
        for (const p of pairs) p.reset();
        for (const c of frozen) c.destroy();
        server.close(() => resolve());
      }),
  };
}
