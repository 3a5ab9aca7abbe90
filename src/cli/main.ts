import 'reflect-metadata';
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../logging';
import { loadConfigOrExit, openDatabase } from '../runtime';
import { exportPushes, importPushes } from './raw-pushes';
import { rerunRoutes } from './rerun-routes';
import { retryDead } from './retry-dead';

/**
 * `npm run cli -- <command>`: bulk operator work on the database of DATABASE_URL with the config of
 * CLAIM_RELAY_CONFIG. Every change is written to the audit log under CLAIM_RELAY_OPERATOR (default: the
 * system user name).
 */
const io = { out: process.stdout, err: process.stderr };
const actor = { name: process.env.CLAIM_RELAY_OPERATOR ?? userInfo().username, role: 'cli' };

const isoDate = (text: string) => {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('not an ISO date');
  return d;
};
const positiveInt = (text: string, previous: number[] = []) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('not a positive integer');
  return [...previous, n];
};

async function withDatabase(work: (ctx: Awaited<ReturnType<typeof open>>) => Promise<unknown>): Promise<void> {
  const ctx = await open();
  try {
    await work(ctx);
  } finally {
    await ctx.dataSource.destroy();
  }
}

async function open() {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const { config } = loadConfigOrExit(logger);
  return { config, dataSource: await openDatabase(logger, { migrate: false }) };
}

const program = new Command('claim-relay').description('Operator tools for claim-relay').showHelpAfterError();

program
  .command('retry-dead')
  .description('retry every dead claim matching the filter (new attempts; history kept)')
  .option('--platform <name>', 'glitzcloud, shopex, duobaoyu or appintf')
  .option('--route <name>', 'route name from the config')
  .option('--error-code <code>', "the platform's code at the start of lastError, e.g. 17")
  .option('--from <date>', 'dead since (ISO date, on the last change)', isoDate)
  .option('--to <date>', 'dead before (ISO date)', isoDate)
  .option('--dry-run', 'list them, change nothing', false)
  .action((o) => withDatabase(({ dataSource }) => retryDead(dataSource, io, o, { dryRun: o.dryRun, actor })));

program
  .command('rerun-routes')
  .description('re-run the current routes over stored judgments; a dry run unless --apply')
  .option('--apply', 'file, update and cancel for real', false)
  .option('--work-order <id>', 'only this work order (repeatable)', positiveInt)
  .action((o) => withDatabase(({ dataSource, config }) => rerunRoutes(dataSource, io, config.routes, { apply: o.apply, workOrderIds: o.workOrder, actor })));

program
  .command('export-pushes <workOrderId> <file>')
  .description("write a work order's raw pushes (JSON Lines, secrets removed)")
  .action((id: string, file: string) => withDatabase(({ dataSource }) => exportPushes(dataSource, io, positiveInt(id)[0], file)));

program
  .command('import-pushes <file>')
  .description('store exported pushes again (idempotent)')
  .action((file: string) => withDatabase(({ dataSource, config }) => importPushes(dataSource, io, config, file, actor)));

program.parseAsync().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
