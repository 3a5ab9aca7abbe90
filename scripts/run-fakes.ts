import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PortTakenError } from '../test/fakes/fake-server';
import {
  DEFAULT_SERVICE_URL, portsFrom, SANDBOX_BASE_PORT, SANDBOX_PLATFORMS, sandboxConfig, SandboxPorts, SandboxTokens, startSandbox,
} from '../test/fakes/sandbox';

/**
 * `npm run fakes`: the sandbox (docs/sandbox.md). Starts the four fake platforms on fixed loopback ports,
 * writes a complete config for the service to a file (mode 0600: it holds the fakes' credentials and two
 * finance tokens), and says on stderr how to use it; stdout stays empty, so npm's banner never mixes
 * with anything. Ctrl-C stops the fakes.
 */

const port = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('not a port (1–65535)');
  return n;
};

const portList = (text: string): SandboxPorts => {
  const ports = text.split(',').map((p) => port(p.trim()));
  if (ports.length !== SANDBOX_PLATFORMS.length) throw new InvalidArgumentError(`give ${SANDBOX_PLATFORMS.length} ports, for ${SANDBOX_PLATFORMS.join(', ')}`);
  if (new Set(ports).size !== ports.length) throw new InvalidArgumentError('the ports must differ');
  return Object.fromEntries(SANDBOX_PLATFORMS.map((platform, i) => [platform, ports[i]])) as SandboxPorts;
};

const serviceUrl = (text: string): string => {
  try {
    const url = new URL(text);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new InvalidArgumentError('the fakes call loopback addresses only');
    return url.origin;
  } catch (err) {
    throw err instanceof InvalidArgumentError ? err : new InvalidArgumentError('not a URL');
  }
};

const TOKEN_NAMES = { viewer: 'sandbox-viewer', operator: 'sandbox-operator' } as const;

/** The tokens of an earlier run's file, so that a restart of the fakes keeps the finance page signed in. */
function keptTokens(file: string): SandboxTokens | null {
  try {
    const tokens = (JSON.parse(readFileSync(file, 'utf8')) as { finance?: { tokens?: Array<{ name: string; token: string }> } }).finance?.tokens ?? [];
    const viewer = tokens.find((t) => t.name === TOKEN_NAMES.viewer)?.token;
    const operator = tokens.find((t) => t.name === TOKEN_NAMES.operator)?.token;
    return viewer && operator ? { viewer, operator } : null;
  } catch {
    return null;
  }
}

const newToken = (): string => randomBytes(24).toString('base64url');

const program = new Command('npm run fakes')
  .description('Start the four fake platforms and write a config that points claim-relay at them (docs/sandbox.md).')
  .option('--out <file>', 'where the config is written (env FAKES_CONFIG_OUT)', process.env.FAKES_CONFIG_OUT ?? 'fakes.config.json')
  .option('--base-port <port>', `first of four ports, one per platform (env FAKES_BASE_PORT; default ${SANDBOX_BASE_PORT})`, port)
  .option('--ports <list>', `the four ports, comma-separated: ${SANDBOX_PLATFORMS.join(',')} (env FAKES_PORTS)`, portList)
  .option('--service <url>', `the service the fakes call back (env CLAIM_RELAY_URL; default ${DEFAULT_SERVICE_URL})`, serviceUrl)
  .option('--new-tokens', 'new finance tokens even when the file holds some from an earlier run', false)
  .showHelpAfterError();

type Options = { out: string; basePort?: number; ports?: SandboxPorts; service?: string; newTokens: boolean };

/** Ports and service URL: the flags, else the environment, else the defaults. */
function settings(o: Options, env: NodeJS.ProcessEnv): { ports: SandboxPorts; service: string } {
  try {
    const ports = o.ports ?? (env.FAKES_PORTS ? portList(env.FAKES_PORTS) : portsFrom(o.basePort ?? (env.FAKES_BASE_PORT ? port(env.FAKES_BASE_PORT) : SANDBOX_BASE_PORT)));
    return { ports, service: o.service ?? serviceUrl(env.CLAIM_RELAY_URL ?? DEFAULT_SERVICE_URL) };
  } catch (err) {
    return program.error(`error: ${(err as Error).message} (from the environment)`, { exitCode: 2 });
  }
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Options>();
  const { ports, service } = settings(o, process.env);

  let fakes;
  try {
    fakes = await startSandbox(ports, service);
  } catch (err) {
    if (!(err instanceof PortTakenError)) throw err;
    const platform = SANDBOX_PLATFORMS.find((p) => ports[p] === err.port);
    process.stderr.write(`npm run fakes: port ${err.port} (${platform}) is taken: stop what holds it, or choose other ports with --base-port or --ports\n`);
    process.exit(1);
  }

  const tokens = (!o.newTokens && keptTokens(o.out)) || { viewer: newToken(), operator: newToken() };
  writeFileSync(o.out, `${JSON.stringify(sandboxConfig(fakes, service, tokens), null, 2)}\n`, { mode: 0o600 });
  chmodSync(o.out, 0o600);

  const where = SANDBOX_PLATFORMS.map((p) => `${p} :${ports[p]}`).join(', ');
  process.stderr.write([
    `fake platforms on 127.0.0.1: ${where}; ShopEx calls back and Duobaoyu pushes to ${service}`,
    `config written to ${o.out}. In another terminal:`,
    `  CLAIM_RELAY_CONFIG=${o.out} ${new URL(service).port && service !== DEFAULT_SERVICE_URL ? `PORT=${new URL(service).port} ` : ''}npm start`,
    `then push the README's example and open ${service}/finance/ with the operator token:`,
    `  node -p 'require(${JSON.stringify(resolve(o.out))}).finance.tokens[1].token'`,
    'Ctrl-C stops the fakes.',
    '',
  ].join('\n'));

  const stop = () => fakes.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`npm run fakes failed: ${(err as Error).message}\n`);
  process.exit(1);
});
