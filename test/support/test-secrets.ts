import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodTypeAny } from 'zod';
import { DEVELOPMENT_CONFIG } from '../../src/config/development';
import { configSchema } from '../../src/config/schema';
import { APPINTF_FAKE_SESSION } from '../fakes/appintf-fake';
import { DUOBAOYU_FAKE_APP } from '../fakes/duobaoyu-fake';
import { GLITZCLOUD_FAKE_CREDENTIALS } from '../fakes/glitzcloud-fake';
import { SHOPEX_FAKE_TOKEN } from '../fakes/shopex-fake';
import { TEST_APP } from './qimen-push';
import { appendRecord, sweepRunDir } from './sweep-run';

/**
 * The registry of the secrets the tests configure, for the secret sweep (test/secrets/): the helpers'
 * fixed ones below, plus every secret of every config a test builds — `configSchema` parses are
 * harvested (test/secrets/setup.ts), so startTestService, parseConfig, loadConfig and the configs of
 * spawned services all register theirs. Registered values go to the run directory, so the teardown
 * knows the secrets of every worker.
 */
export interface TestSecret {
  /** The config key, e.g. `platforms.shopex.token` (`*` for an array index). */
  key: string;
  value: string;
}

/** The fixed secrets of the test helpers and fakes (the development config's Qimen app is TEST_APP's). */
export const HELPER_SECRETS: readonly TestSecret[] = [
  { key: 'qimen.apps.*.secret', value: TEST_APP.secret },
  { key: 'qimen.apps.*.secret', value: DEVELOPMENT_CONFIG.qimen.apps[0].secret },
  { key: 'platforms.glitzcloud.apikey', value: GLITZCLOUD_FAKE_CREDENTIALS.apikey },
  { key: 'platforms.glitzcloud.secretkey', value: GLITZCLOUD_FAKE_CREDENTIALS.secretkey },
  { key: 'platforms.shopex.token', value: SHOPEX_FAKE_TOKEN },
  { key: 'platforms.duobaoyu.appSecret', value: DUOBAOYU_FAKE_APP.appSecret },
  { key: 'platforms.appintf.sessionId', value: APPINTF_FAKE_SESSION },
];

/**
 * The secret-bearing keys of src/config/schema.ts, read from the schema itself: a secret is a string
 * with a transform (the `"env:NAME"` lookup); nothing else in the schema transforms a string.
 */
export function secretKeyPaths(schema: ZodTypeAny = configSchema, path: string[] = []): string[][] {
  const def = schema._def;
  switch (def.typeName) {
    case 'ZodEffects':
      return def.effect.type === 'transform' && def.schema._def.typeName === 'ZodString' ? [path] : secretKeyPaths(def.schema, path);
    case 'ZodDefault':
    case 'ZodOptional':
    case 'ZodNullable':
      return secretKeyPaths(def.innerType, path);
    case 'ZodObject':
      return Object.entries(def.shape() as Record<string, ZodTypeAny>).flatMap(([key, value]) => secretKeyPaths(value, [...path, key]));
    case 'ZodArray':
      return secretKeyPaths(def.type, [...path, '*']);
    default:
      return [];
  }
}

function valuesAt(node: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [node];
  if (node === null || typeof node !== 'object') return [];
  const [head, ...rest] = path;
  const children = head === '*' ? (Array.isArray(node) ? node : []) : [(node as Record<string, unknown>)[head]];
  return children.flatMap((child) => valuesAt(child, rest));
}

/**
 * The secrets of a config (parsed, or raw JSON: `"env:NAME"` is then read from `env`), by schema key.
 */
export function configSecrets(config: unknown, env: NodeJS.ProcessEnv = process.env): TestSecret[] {
  return secretKeyPaths().flatMap((path) =>
    valuesAt(config, path)
      .map((value) => (typeof value === 'string' && value.startsWith('env:') ? env[value.slice(4)] : value))
      .filter((value): value is string => typeof value === 'string' && value !== '')
      .map((value) => ({ key: path.join('.'), value })),
  );
}

const registered = new Set<string>();

/** Registers secrets for the sweep (once each per test file). */
export function registerSecrets(secrets: TestSecret[]): void {
  for (const secret of secrets) {
    const id = JSON.stringify(secret);
    if (registered.has(id) || !sweepRunDir()) continue;
    registered.add(id);
    appendRecord('secrets', secret);
  }
}

/** Registers the secrets of a config a test built or a spawned service reads. */
export function registerConfigSecrets(config: unknown, env?: NodeJS.ProcessEnv): void {
  registerSecrets(configSecrets(config, env));
}

/** Every secret known in the run so far: the helpers' and those registered by every worker. */
export function registeredSecrets(runDir = sweepRunDir()): TestSecret[] {
  const dir = runDir && join(runDir, 'secrets');
  const recorded = dir && existsSync(dir)
    ? readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as TestSecret))
    : [];
  return [...HELPER_SECRETS, ...recorded];
}
