import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { createConnection, Connection } from 'mysql2';
import type { DatabaseKind } from '../../ormconfig';
import { devTokenLine } from '../../src/config/dev-token';
import type { TestSecret } from './test-secrets';

/**
 * The secret sweep's searches (test/secrets/): every registered secret, in every form it could be
 * written, in text, bytes (gzip unpacked), database tables, log files and recorded error answers.
 * A finding names where and which config key, never the secret.
 */

/** Shorter secrets are placeholders ('s', 'sess', 'nope') that occur in any text: counted, not searched. */
export const MIN_SECRET_LENGTH = 8;

export interface Finding {
  where: string;
  /** The config keys the secret was registered under. */
  keys: string[];
  /** How it was written: `as is`, `base64`, `sha256 hex`… */
  form: string;
  /** Lines or rows it occurs on, when more than the one `where` names. */
  count?: number;
}

export function describeFinding(f: Finding): string {
  const more = f.count && f.count > 1 ? ` (and ${f.count - 1} more)` : '';
  return `${f.where}${more}: ${f.keys.join(', ')}${f.form === 'as is' ? '' : ` (${f.form})`}`;
}

interface Needle {
  keys: string[];
  form: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unpadded = (b64: string) => b64.replace(/=+$/, '');

/** The forms of a secret searched for (case-insensitive). */
function forms(value: string): Array<[form: string, text: string]> {
  const bytes = Buffer.from(value, 'utf8');
  const sha = createHash('sha256').update(bytes).digest();
  return [
    ['as is', value],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(value)],
    ['form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
    ['base64', unpadded(bytes.toString('base64'))],
    ['base64url', bytes.toString('base64url')],
    ['sha256 hex', sha.toString('hex')],
    ['sha256 base64', unpadded(sha.toString('base64'))],
  ];
}

/** Searches text for every registered secret at once (one regular expression of all their forms). */
export class SecretMatcher {
  /** Distinct secrets searched for, and those too short to search. */
  readonly searched: number;
  readonly tooShort: number;
  private readonly needles = new Map<string, Needle>();
  private readonly any: RegExp;
  private readonly every: RegExp;

  constructor(secrets: readonly TestSecret[]) {
    const keysByValue = new Map<string, Set<string>>();
    for (const { key, value } of secrets) keysByValue.set(value, (keysByValue.get(value) ?? new Set()).add(key));
    let searched = 0;
    let tooShort = 0;
    for (const [value, keySet] of keysByValue) {
      const keys = [...keySet].sort();
      if (value.length < MIN_SECRET_LENGTH) {
        tooShort++;
        continue;
      }
      searched++;
      for (const [form, text] of forms(value)) {
        if (!this.needles.has(text.toLowerCase())) this.needles.set(text.toLowerCase(), { keys, form });
      }
    }
    this.searched = searched;
    this.tooShort = tooShort;
    const source = [...this.needles.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|') || '(?!)';
    this.any = new RegExp(source, 'i');
    this.every = new RegExp(source, 'gi');
  }

  /**
   * The secrets in `text`, one finding per secret and form; with `lines`, `where` gets the line of the
   * first occurrence and the finding counts the lines it occurs on.
   */
  findIn(where: string, text: string, opts: { lines?: boolean } = {}): Finding[] {
    if (!this.any.test(text)) return [];
    const found = new Map<Needle, Finding & { lastLine: number }>();
    let line = 1;
    let at = 0;
    for (const match of text.matchAll(this.every)) {
      const needle = this.needles.get(match[0].toLowerCase()) ?? { keys: ['(a key matched by case folding)'], form: 'as is' };
      if (opts.lines) for (; at < match.index; at++) if (text.charCodeAt(at) === 10) line++;
      const seen = found.get(needle);
      if (!seen) found.set(needle, { where: opts.lines ? `${where}:${line}` : where, keys: needle.keys, form: needle.form, count: 1, lastLine: line });
      else if (seen.lastLine !== line) Object.assign(seen, { count: seen.count! + 1, lastLine: line });
    }
    return [...found.values()].map(({ lastLine: _, ...f }) => f);
  }

  /** Bytes as UTF-8 and Latin-1, and unpacked when gzip (a single chunk of a stream unpacks in part). */
  findInBytes(where: string, bytes: Buffer): Finding[] {
    const findings = this.findIn(where, bytes.toString('utf8'));
    if (bytes.some((b) => b > 0x7f)) findings.push(...this.findIn(`${where} (latin1)`, bytes.toString('latin1')));
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        findings.push(...this.findIn(`${where} (gunzipped)`, gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8')));
      } catch {
        // not gzip after all
      }
    }
    return findings;
  }

  findInValue(where: string, value: unknown): Finding[] {
    if (typeof value === 'string') return this.findIn(where, value);
    if (Buffer.isBuffer(value)) return this.findInBytes(where, value);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) return this.findIn(where, JSON.stringify(value));
    return [];
  }
}

export interface TableScan {
  tables: number;
  rows: number;
  findings: Finding[];
}

/** A table whose rows are pieces of one body each group: they are also searched reassembled (gzip unpacked). */
const CHUNKED = { table: 'raw_push_chunk', group: 'rawPushId', order: 'seq', data: 'data' };

type EachRow = (sql: string, onRow: (row: unknown[]) => void) => Promise<void>;

/**
 * Every text and blob cell of every table of a test database (the raw push chunks also reassembled).
 * One finding per table, column and secret: the first row it is in, and how many rows.
 */
export async function scanDatabase(kind: DatabaseKind, url: string, matcher: SecretMatcher, label: string): Promise<TableScan> {
  const scan = { tables: 0, rows: 0 };
  const found = new Map<string, Finding>();
  const note = (place: string, row: number, findings: Finding[]) => {
    for (const f of findings) {
      const id = `${place}${f.where}\n${f.form}\n${f.keys}`;
      const seen = found.get(id);
      if (seen) seen.count = (seen.count ?? 1) + 1;
      else found.set(id, { ...f, where: `${label}: ${place}${f.where}, row ${row}`, count: 1 });
    }
  };
  const db = kind === 'sqlite' ? await sqliteTables(url) : await mysqlTables(url);
  try {
    for (const [table, { all, text }] of db.tables) {
      scan.tables++;
      let row = 0;
      const chunked = table === CHUNKED.table && [CHUNKED.group, CHUNKED.order, CHUNKED.data].every((c) => all.includes(c));
      const columns = chunked && !text.includes(CHUNKED.group) ? [...text, CHUNKED.group] : text;
      const q = (c: string) => (kind === 'sqlite' ? `"${c}"` : `\`${c}\``);
      const sql = `SELECT ${columns.length ? columns.map(q).join(', ') : '1'} FROM ${q(table)}${chunked ? ` ORDER BY ${q(CHUNKED.group)}, ${q(CHUNKED.order)}` : ''}`;
      const group = { id: undefined as unknown, pieces: [] as Buffer[] };
      const flushGroup = () => {
        if (group.pieces.length > 1) note(`${table} ${CHUNKED.group}=${group.id} reassembled`, row, matcher.findInBytes('', Buffer.concat(group.pieces)));
        group.pieces = [];
      };
      await db.each(sql, (values) => {
        row++;
        if (chunked) {
          const id = values[columns.indexOf(CHUNKED.group)];
          if (id !== group.id) flushGroup();
          group.id = id;
          group.pieces.push(values[columns.indexOf(CHUNKED.data)] as Buffer);
        }
        for (let i = 0; i < text.length; i++) note(`${table}.${text[i]}`, row, matcher.findInValue('', values[i]));
      });
      flushGroup();
      scan.rows += row;
    }
  } finally {
    await db.close();
  }
  return { ...scan, findings: [...found.values()] };
}

interface OpenDatabase {
  /** Each table's columns, and those to search: the text, blob and JSON columns (SQLite: all but integer and boolean ones). */
  tables: Map<string, { all: string[]; text: string[] }>;
  each: EachRow;
  close(): Promise<void>;
}

/** The little of better-sqlite3 used here (the package ships no types). */
interface SqliteStatement {
  pluck(): SqliteStatement;
  raw(): SqliteStatement;
  all(): unknown[];
  iterate(): IterableIterator<unknown>;
}
type SqliteDatabase = new (path: string, options: object) => { prepare(sql: string): SqliteStatement; close(): void };

async function sqliteTables(url: string): Promise<OpenDatabase> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a SQLite file is swept
  const Database: SqliteDatabase = require('better-sqlite3');
  const db = new Database(url.replace(/^sqlite:/, ''), { readonly: true, fileMustExist: true, timeout: 10_000 });
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const tables = new Map(names.map((t) => {
    const columns = db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string; type: string }>;
    // Integer affinity and booleans hold numbers; any other column may hold text or bytes.
    return [t, { all: columns.map((c) => c.name), text: columns.filter((c) => !/INT|^BOOLEAN$/i.test(c.type)).map((c) => c.name) }];
  }));
  return {
    tables,
    each: async (sql, onRow) => {
      for (const row of db.prepare(sql).raw().iterate()) onRow(row as unknown[]);
    },
    close: async () => void db.close(),
  };
}

const MYSQL_TEXT_TYPES = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'json', 'enum', 'set'];

async function mysqlTables(url: string): Promise<OpenDatabase> {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1));
  const conn: Connection = createConnection({
    host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database,
    supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  });
  const each = (sql: string, values: unknown[], onRow: (row: unknown[]) => void) =>
    new Promise<void>((resolve, reject) => {
      conn.query({ sql, values, rowsAsArray: true }).on('error', reject).on('result', (row) => onRow(row as unknown as unknown[])).on('end', () => resolve());
    });
  const tables = new Map<string, { all: string[]; text: string[] }>();
  await each('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database], ([t]) => void tables.set(String(t), { all: [], text: [] }));
  await each(
    'SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
    [database],
    ([t, c, type]) => {
      const table = tables.get(String(t));
      table?.all.push(String(c));
      if (MYSQL_TEXT_TYPES.includes(String(type).toLowerCase())) table?.text.push(String(c));
    },
  );
  return {
    tables,
    each: (sql, onRow) => each(sql, [], onRow),
    close: () => new Promise<void>((resolve) => conn.end(() => resolve())),
  };
}

/**
 * The development token's start line (src/config/dev-token.ts) is the one place a secret is written on
 * purpose: whole lines of exactly that form are blanked (line numbers kept) before a log is searched.
 * Anywhere else, the token is a finding like any other secret.
 */
const DEV_TOKEN_LINE = new RegExp(
  `^${escapeRegExp(devTokenLine(65535, 'TOKEN')).replace('65535', '\\d+').replace(/TOKEN$/, '[A-Za-z0-9_-]+')}$`,
  'gm',
);

export function withoutDevTokenLines(text: string): string {
  return text.replace(DEV_TOKEN_LINE, '');
}

export interface SweepReport {
  secrets: number;
  tooShort: number;
  databases: number;
  tables: number;
  rows: number;
  /** Time the table scans took, in all workers together. */
  tableScanMs: number;
  logFiles: number;
  childProcesses: number;
  logLines: number;
  answers: number;
  findings: Finding[];
  /** Databases that could not be scanned, and the like: reported, not failed. */
  problems: string[];
}

const filesOf = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().map((name) => ({ name, path: join(dir, name) })) : []);
const jsonLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

/**
 * The whole run's sweep: the log files and error answers searched now for every secret registered in
 * the run, plus what the table scans before each drop found (each searched for the secrets known then).
 */
export function sweepRun(runDir: string, secrets: readonly TestSecret[]): SweepReport {
  const matcher = new SecretMatcher(secrets);
  const report: SweepReport = {
    secrets: matcher.searched, tooShort: matcher.tooShort, databases: 0, tables: 0, rows: 0, tableScanMs: 0, logFiles: 0, childProcesses: 0, logLines: 0, answers: 0, findings: [], problems: [],
  };
  for (const { path } of filesOf(join(runDir, 'tables'))) {
    for (const scan of jsonLines(path) as Array<TableScan & { label: string; error?: string; ms: number }>) {
      if (scan.error) {
        report.problems.push(`${scan.label}: not scanned: ${scan.error}`);
        continue;
      }
      report.databases++;
      report.tables += scan.tables;
      report.rows += scan.rows;
      report.tableScanMs += scan.ms;
      report.findings.push(...scan.findings);
    }
  }
  for (const { name, path } of filesOf(join(runDir, 'logs'))) {
    const text = readFileSync(path, 'utf8');
    report.logFiles++;
    if (name.includes('.child-')) report.childProcesses++;
    report.logLines += text.split('\n').filter(Boolean).length;
    report.findings.push(...matcher.findIn(`logs/${name}`, withoutDevTokenLines(text), { lines: true }));
  }
  for (const { path } of filesOf(join(runDir, 'answers'))) {
    for (const answer of jsonLines(path) as Array<{ where: string; headers: unknown; body: string }>) {
      report.answers++;
      report.findings.push(...matcher.findIn(`${answer.where} (headers)`, JSON.stringify(answer.headers)), ...matcher.findIn(`${answer.where} (body)`, answer.body));
    }
  }
  return report;
}

export function summaryLine(r: SweepReport): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `secret sweep: ${n(r.secrets)} secrets checked (and ${r.tooShort} placeholders under ${MIN_SECRET_LENGTH} characters not searched) ` +
    `in ${n(r.databases)} databases (${n(r.tables)} tables, ${n(r.rows)} rows, ${(r.tableScanMs / 1000).toFixed(1)} s of scans), ${n(r.logLines)} log lines (${n(r.logFiles)} files, ` +
    `${n(r.childProcesses)} child processes), ${n(r.answers)} error answers: ${r.findings.length ? `${r.findings.length} FOUND` : 'none found'}` +
    (r.problems.length ? `; ${r.problems.length} databases not scanned` : '');
}
