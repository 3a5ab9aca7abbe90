import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from './schema';

/**
 * The development finance token: with the development config only (no config file), `npm start` gives the
 * finance page an operator token so that a newcomer can sign in. It is random, made once per data
 * directory and kept there (`dev-finance-token`, mode 0600) so it survives restarts, and printed on one
 * stderr line at every start ({@link devTokenLine}): that line is the one place it is ever written
 * besides its file (the secret sweep of the tests allows exactly that line). A config file never gets one.
 */
export const DEV_TOKEN_FILE = 'dev-finance-token';
export const DEV_TOKEN_NAME = 'development';
/** How the start line begins (test/support/secret-scan.ts exempts whole lines of exactly devTokenLine's form). */
const DEV_TOKEN_LINE_PREFIX = 'finance page: ';
const DEV_TOKEN_MARK = ' — development token: ';
/** 32 random bytes, base64url: what a token made here looks like (anything else in the file is replaced). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Where the development data lives: beside the SQLite file, or ./data when the database is MySQL. */
export function developmentDataDir(databaseUrl: string, cwd = process.cwd()): string {
  return databaseUrl.startsWith('sqlite:') ? dirname(resolve(cwd, databaseUrl.slice('sqlite:'.length))) : resolve(cwd, 'data');
}

/**
 * The token kept in `dir` (which must exist), made and stored first when there is none or the file holds
 * something else. Two starts at once agree: the file is created exclusively and the loser reads it.
 */
export function developmentFinanceToken(dir: string): string {
  const file = join(dir, DEV_TOKEN_FILE);
  const kept = readToken(file);
  if (kept) return kept;
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const raced = readToken(file);
  if (raced) return raced;
  writeFileSync(file, `${token}\n`, { mode: 0o600 }); // a malformed file: replaced
  chmodSync(file, 0o600);
  return token;
}

function readToken(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return TOKEN_SHAPE.test(text) ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The config with the development token added as an operator token. */
export function withDevelopmentToken(config: Config, token: string): Config {
  return { ...config, finance: { ...config.finance, tokens: [...config.finance.tokens, { name: DEV_TOKEN_NAME, token, role: 'operator' }] } };
}

/** The one line that shows the token: where the page is and what to sign in with. */
export function devTokenLine(port: number, token: string): string {
  return `${DEV_TOKEN_LINE_PREFIX}http://localhost:${port}/finance/${DEV_TOKEN_MARK}${token}`;
}

/** The token of a start line, or null when `line` is not one. */
export function tokenOfDevTokenLine(line: string): string | null {
  if (!line.startsWith(DEV_TOKEN_LINE_PREFIX)) return null;
  const at = line.indexOf(DEV_TOKEN_MARK);
  return at < 0 ? null : line.slice(at + DEV_TOKEN_MARK.length).trim() || null;
}
