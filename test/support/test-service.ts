import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { createPlatformClients } from '../../src/dispatch/platform-clients';
import { parseConfig } from '../../src/config/load';
import type { Config } from '../../src/config/schema';
import { createHttpServer, HttpServerOptions } from '../../src/http/server';
import { createLogger } from '../../src/logging';
import type { DatabaseKind } from '../../ormconfig';
import { openMigratedDatabase } from './databases';
import { signedPush, PushOptions, TEST_APP } from './qimen-push';

export interface TestService {
  baseUrl: string;
  dataSource: DataSource;
  /** DATABASE_URL of the service's database, for a spawned process (the CLI) to use it too. */
  databaseUrl: string;
  config: Config;
  /** POSTs a signed push; answers the parsed envelope and the HTTP status. */
  push(body: string | Buffer | object, opts?: PushOptions & { contentType?: string }): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  /** The service's logger (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger;
  /** Server timeouts, as src/main.ts sets them from the environment. */
  server?: Partial<HttpServerOptions>;
  /** The service's clock (epoch ms), e.g. to replay a push after its timestamp window. */
  now?: () => number;
}

/**
 * The real app on a fresh, migrated database of `kind`, listening on a loopback port. `rawConfig` may
 * be a function of the service's own base URL (for callback URLs the fakes post to).
 */
export async function startTestService(
  kind: DatabaseKind,
  rawConfig: object | ((baseUrl: string) => object) = {},
  options: TestServiceOptions = {},
): Promise<TestService> {
  const { db, dataSource, close: closeDb } = await openMigratedDatabase(kind);
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server: Server = createHttpServer((req, res) => handle(req, res), options.server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = parseConfig({ qimen: { apps: [TEST_APP] }, ...(typeof rawConfig === 'function' ? rawConfig(baseUrl) : rawConfig) });
  const clients = createPlatformClients(config);
  const app = createApp({ config, dataSource, logger: options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), now: options.now && (() => new Date(options.now!())), clients });
  handle = app.callback();
  return {
    baseUrl,
    dataSource,
    databaseUrl: db.url,
    config,
    async push(body, opts = {}) {
      const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const signed = signedPush(raw, opts);
      const res = await fetch(`${baseUrl}/qimen?${signed.query}`, {
        method: 'POST',
        headers: { 'content-type': opts.contentType ?? 'text/plain;charset=UTF-8' },
        body: signed.body,
      });
      return { status: res.status, json: await res.json() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...clients.values()].map((c) => c.close()));
      await closeDb();
    },
  };
}
