import { userInfo } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/schema';
import { PLATFORM_NAMES } from '../platforms';
import { ignoringClosedReader } from '../stdio';
import { DEFAULT_DATABASE_URL } from '../storage/database-url';
import type { CliIo } from './output';
import { EXIT, UsageError } from './usage';

/**
 * `npx claim-relay <command>` (or `npm run cli -- <command>`): bulk operator work on the database of
 * DATABASE_URL with the config of CLAIM_RELAY_CONFIG. Every change is written to the audit log under
 * CLAIM_RELAY_OPERATOR (default: the system user name). docs/cli.md describes every command.
 *
 * A command's modules (TypeORM, the entities, the config schema) load when it runs, so `--help` and
 * argument errors answer at once.
 */
const io: CliIo = { out: ignoringClosedReader(process.stdout), err: ignoringClosedReader(process.stderr) };
const actor = { name: process.env.CLAIM_RELAY_OPERATOR ?? userInfo().username, role: 'cli' };

const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL          the database: sqlite:<path> or mysql://user:pass@host:3306/db
                        (default ${DEFAULT_DATABASE_URL})
  CLAIM_RELAY_CONFIG    the service's JSON config, for its routes (default ./claim-relay.config.json
                        if present, else the development config)
  CLAIM_RELAY_OPERATOR  the name written to the audit log (default: the system user name)
  LOG_LEVEL             level of the CLI's own log lines on stderr (default warn)
  NO_COLOR              set: tables without colour even on a terminal (never coloured when piped)

Exit codes: 0 done, 1 the command failed (database unreachable, work order not found, unreadable
file), 2 usage error (unknown command, option or value) or an invalid config.`;

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

async function withDatabase(work: (ctx: { config: Config; dataSource: DataSource }) => Promise<unknown>): Promise<void> {
  await import('reflect-metadata'); // before the entities' decorators run
  const [{ createLogger }, { loadConfigOrExit, openDatabase }] = await Promise.all([import('../logging'), import('../runtime')]);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: io.err });
  const { config } = loadConfigOrExit(logger);
  const dataSource = await openDatabase(logger, { migrate: false });
  try {
    await work({ config, dataSource });
  } finally {
    await dataSource.destroy();
  }
}

const program = new Command('claim-relay')
  .description('Operator tools for claim-relay')
  .addHelpText('after', ENVIRONMENT_HELP)
  .exitOverride()
  .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });

program
  .command('retry-dead')
  .description('retry every dead claim matching the filter (new attempts; history kept)')
  .addOption(new Option('--platform <name>', 'only claims on this platform').choices(PLATFORM_NAMES))
  .option('--route <name>', 'route name (of the config, or of a stored claim)')
  .option('--error-code <code>', "the platform's code at the start of lastError, e.g. 17")
  .option('--from <date>', 'dead since (ISO date, on the last change)', isoDate)
  .option('--to <date>', 'dead before (ISO date)', isoDate)
  .option('--dry-run', 'list them, change nothing', false)
  .addHelpText('after', ENVIRONMENT_HELP)
  .action((o) =>
    withDatabase(async ({ dataSource, config }) => {
      const { assertKnownRoute, retryDead } = await import('./retry-dead');
      if (o.route) await assertKnownRoute(dataSource, config.routes, o.route);
      await retryDead(dataSource, io, o, { dryRun: o.dryRun, actor });
    }),
  );

program
  .command('rerun-routes')
  .description('re-run the current routes over stored judgments; a dry run unless --apply')
  .option('--apply', 'file, update and cancel for real', false)
  .option('--work-order <id>', 'only this work order (repeatable)', positiveInt)
  .addHelpText('after', ENVIRONMENT_HELP)
  .action((o) =>
    withDatabase(async ({ dataSource, config }) => {
      const { rerunRoutes } = await import('./rerun-routes');
      await rerunRoutes(dataSource, io, config.routes, { apply: o.apply, workOrderIds: o.workOrder, actor });
    }),
  );

program
  .command('export-pushes')
  .description("write a work order's raw pushes (JSON Lines, secrets removed)")
  .argument('<workOrderId>', 'the work order', (text) => positiveInt(text)[0])
  .argument('<file>', 'where to write them')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action((id: number, file: string) =>
    withDatabase(async ({ dataSource }) => {
      const { exportPushes } = await import('./raw-pushes');
      await exportPushes(dataSource, io, id, file);
    }),
  );

program
  .command('import-pushes')
  .description('store exported pushes again (idempotent)')
  .argument('<file>', 'a file written by export-pushes')
  .addHelpText('after', ENVIRONMENT_HELP)
  .action((file: string) =>
    withDatabase(async ({ dataSource, config }) => {
      const { importPushes } = await import('./raw-pushes');
      await importPushes(dataSource, io, config, file, actor);
    }),
  );

program
  .command('revalidate-rejected')
  .description('run the rejected pushes through today\'s validation; store those now valid as ordinary pushes')
  .option('--id <id>', 'only this rejected push (repeatable)', positiveInt)
  .option('--dry-run', 'say which would be accepted, store nothing', false)
  .addHelpText('after', ENVIRONMENT_HELP)
  .action((o) =>
    withDatabase(async ({ dataSource, config }) => {
      const { revalidateRejectedPushes } = await import('../rejected-pushes/revalidate');
      await revalidateRejectedPushes(dataSource, io, config.routes, { ids: o.id, dryRun: o.dryRun, actor });
    }),
  );

// The process ends by itself once the command is done, so that output still queued for a slow pipe is written.
// Commander has printed its own message (or the help) before throwing a CommanderError.
program.parseAsync().catch((err) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.done : EXIT.usage;
    return;
  }
  io.err.write(`${(err as Error).message}\n`);
  process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.failed;
});
