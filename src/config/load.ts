import { existsSync, readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { Config, configSchema } from './schema';
import { DEVELOPMENT_CONFIG } from './development';

/** A config problem, rendered as one line that names the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  /** Where it came from: a file path, or "development". */
  source: string;
}

/** Validates a parsed config object; throws ConfigError naming the first bad key. */
export function parseConfig(raw: unknown): Config {
  try {
    return configSchema.parse(raw);
  } catch (err) {
    if (err instanceof ZodError) throw new ConfigError(describeIssue(err));
    throw err;
  }
}

function describeIssue(err: ZodError): string {
  const issue = err.issues[0];
  let path = issue.path.join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...issue.path, issue.keys[0]].join('.');
    message = 'unknown key';
  }
  return `config error: ${path || '(top level)'}: ${message}`;
}

/** CLAIM_RELAY_CONFIG, else ./claim-relay.config.json when present, else the development config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const explicit = env.CLAIM_RELAY_CONFIG;
  const path = explicit ?? `${cwd}/claim-relay.config.json`;
  if (!explicit && !existsSync(path)) return { config: parseConfig(DEVELOPMENT_CONFIG), source: 'development' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config error: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config error: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return { config: parseConfig(raw), source: path };
}
