import 'reflect-metadata';
import { DispatchWorker } from './dispatch/dispatch-worker';
import { createPlatformClients } from './dispatch/platform-clients';
import { createLogger } from './logging';
import { loadConfigOrExit, onShutdown, openDatabase } from './runtime';

/** `npm run worker`: the dispatch worker alone (any number of them on one MySQL/MariaDB database). */
async function main(): Promise<void> {
  const logger = createLogger();
  const { config } = loadConfigOrExit(logger);
  const dataSource = await openDatabase(logger, { migrate: false });
  const clients = createPlatformClients(config);
  const worker = new DispatchWorker({ dataSource, config, clients, logger });
  worker.start();
  logger.info({ workerId: worker.workerId }, 'dispatch worker running');
  onShutdown(logger, async () => {
    await worker.stop();
    await Promise.all([...clients.values()].map((c) => c.close()));
    await dataSource.destroy();
  });
}

main().catch((err) => {
  process.stderr.write(`claim-relay worker failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
