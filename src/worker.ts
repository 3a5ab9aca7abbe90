import 'reflect-metadata';
import { DispatchWorker } from './dispatch/dispatch-worker';
import { createPlatformClients } from './dispatch/platform-clients';
import { createLogger } from './logging';
import { startMetricsServer } from './metrics';
import { loadConfigOrExit, onShutdown, openDatabase } from './runtime';

/** `npm run worker`: the dispatch worker alone (any number of them on one MySQL/MariaDB database). */
async function main(): Promise<void> {
  const logger = createLogger();
  // METRICS_PORT: this worker's /metrics (dispatch attempts, claims, outbox lag, pool), on METRICS_HOST (default loopback).
  const metricsPort = process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : null;
  if (metricsPort !== null && !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65535)) throw new Error(`METRICS_PORT must be a port number (got ${process.env.METRICS_PORT})`);
  const metricsHost = process.env.METRICS_HOST || '127.0.0.1';
  const { config } = loadConfigOrExit(logger);
  const dataSource = await openDatabase(logger, { migrate: false });
  const clients = createPlatformClients(config);
  const worker = new DispatchWorker({ dataSource, config, clients, logger });
  const metricsServer = metricsPort === null ? null : await startMetricsServer(dataSource, metricsPort, metricsHost);
  if (metricsServer) logger.info({ port: metricsPort, host: metricsHost }, 'worker metrics on /metrics');
  worker.start();
  onShutdown(logger, async () => {
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    await worker.stop();
    await Promise.all([...clients.values()].map((c) => c.close()));
    await dataSource.destroy();
  });
  // Logged once SIGTERM stops the worker cleanly: whoever waits for this line may send it.
  logger.info({ workerId: worker.workerId }, 'dispatch worker running');
}

main().catch((err) => {
  process.stderr.write(`claim-relay worker failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
