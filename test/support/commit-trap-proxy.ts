import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { openMigratedDatabase } from './databases';

/**
 * A TCP proxy on loopback between a client and MariaDB that can break the connection at a transaction's
 * COMMIT, the one moment where "sent" and "done" part: armed, it lets `after` COMMITs pass and acts on
 * the next one a client sends (a MySQL COM_QUERY packet whose text is COMMIT), once:
 * - `lose-answer`: COMMIT reaches the server, which commits, but its answer never reaches the client, whose
 *   connection is cut;
 * - `drop-before`: the connection is cut before COMMIT reaches the server, which rolls the transaction back.
 */
export type CommitTrap = 'lose-answer' | 'drop-before';

export interface CommitTrapProxy {
  port: number;
  arm(trap: CommitTrap, after?: number): void;
  /** How many times a trap went off. */
  sprung: number;
  close(): Promise<void>;
}

const COM_QUERY = 0x03;

function isCommit(packet: Buffer): boolean {
  if (packet.length < 5 || packet[4] !== COM_QUERY) return false;
  const length = packet.readUIntLE(0, 3);
  return packet.subarray(5, 4 + length).toString('utf8').trim().toUpperCase() === 'COMMIT';
}

export async function startCommitTrapProxy(target: { host: string; port: number }): Promise<CommitTrapProxy> {
  const sockets = new Set<Socket>();
  let armed: CommitTrap | null = null;
  let passing = 0;
  const proxy: CommitTrapProxy = {
    port: 0,
    sprung: 0,
    arm: (trap, after = 0) => {
      armed = trap;
      passing = after;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    let answering = true;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (packet: Buffer) => {
      if (armed && isCommit(packet) && passing-- === 0) {
        const trap = armed;
        armed = null;
        proxy.sprung++;
        client.destroy();
        if (trap === 'drop-before') return void upstream.destroy();
        answering = false;
        upstream.write(packet);
        upstream.once('data', () => upstream.end()); // the server answered COMMIT: it is committed
        return;
      }
      upstream.write(packet);
    });
    upstream.on('data', (answer: Buffer) => answering && client.write(answer));
    client.on('close', () => answering && upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}

/** A migrated MariaDB database, reached directly (`dataSource`) and through a commit trap (`proxied`). */
export async function openTrappedDatabase(): Promise<{ dataSource: DataSource; proxied: DataSource; proxy: CommitTrapProxy; close(): Promise<void> }> {
  const { db, dataSource, close } = await openMigratedDatabase('mysql');
  const url = new URL(db.url);
  const proxy = await startCommitTrapProxy({ host: url.hostname, port: Number(url.port || 3306) });
  url.port = String(proxy.port);
  const proxied = await createDataSource(url.toString());
  await proxied.initialize();
  return {
    dataSource, proxied, proxy,
    close: async () => {
      await proxied.destroy();
      await proxy.close();
      await close();
    },
  };
}
