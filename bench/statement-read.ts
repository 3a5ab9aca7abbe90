import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { createConnection } from 'mysql2/promise';
import { STATEMENT_COLUMNS } from '../src/domain/settlement-line';
import { readStatement, StatementFormat } from '../src/api/statement-reader';
import { XLSX_READ_LIMITS } from '../src/api/statement-xlsx-thread';
import { createDataSource } from '../ormconfig';
import { FINANCE_MAX_BODY_BYTES } from '../src/api/body-limits';
import { Child, fmt, freePort, freshMigratedDatabase, LOOPBACK, memoryOf, MiB, resetPeakRss, sleep, startNode, stopChild, waitForOk } from './support';

/**
 * `npm run build && node dist/bench/statement-read.js`: reads a statement of BENCH_STATEMENT_LINES (100,000)
 * lines, as XLSX and as CSV, through `readStatement` alone (no service, no database), each in a fresh
 * process, and prints the process's peak RSS growth (VmHWM reset to VmRSS right before reading, read
 * after) and the time taken. Every line has a platformClaimId and a reference of its own, so the XLSX
 * holds two shared strings per line, as a platform's statement does.
 * BENCH_STATEMENT_READER=0 skips the reader alone; BENCH_STATEMENT_FORMATS=csv reads one format only.
 * Then (unless BENCH_STATEMENT_SERVICE=0) imports each file through the built service, a fresh one on a
 * fresh database per file (SQLite, or with BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 a MariaDB database
 * made, migrated and dropped here): the service's peak RSS growth over its RSS before the request, and the
 * request's time.
 */
const ROOT = resolve(__dirname, '../..');
const LINES = Number(process.env.BENCH_STATEMENT_LINES ?? 100_000);
/** The XLSX thread's old-generation cap in MB, to try others (default: the service's). */
const HEAP_MB = process.env.BENCH_XLSX_HEAP_MB ? Number(process.env.BENCH_XLSX_HEAP_MB) : undefined;
/** The XLSX thread's young-generation cap in MB, to try others (default: the service's). */
const YOUNG_MB = process.env.BENCH_XLSX_YOUNG_MB ? Number(process.env.BENCH_XLSX_YOUNG_MB) : undefined;
/** Node options for the service, space-separated (`--trace-gc`, `--require ./sampler.js`), to see where its memory goes. */
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Only these formats, comma-separated (default: xlsx,csv). */
const FORMATS = (process.env.BENCH_STATEMENT_FORMATS ?? 'xlsx,csv').split(',').filter(Boolean) as StatementFormat[];

interface Reading {
  format: StatementFormat;
  rows: number;
  ms: number;
  rssBefore: number;
  growth: number;
  hwmReset: boolean;
}

const lineOf = (i: number) => ({
  platform: 'appintf', platformClaimId: `R-${String(i).padStart(9, '0')}`, amount: (i % 100_000) / 100 + 1, currency: 'CNY',
  settledAt: new Date(Date.UTC(2026, 2, 1) + (i % 86_400) * 1000), reference: `STMT-2026-03-${String(i).padStart(9, '0')}`,
});

async function writeXlsx(path: string): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = book.addWorksheet('statement');
  sheet.columns = STATEMENT_COLUMNS.map((key) => ({ key, header: key, ...(key === 'settledAt' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}) }));
  for (let i = 0; i < LINES; i++) sheet.addRow(lineOf(i)).commit();
  sheet.commit();
  await book.commit();
}

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${STATEMENT_COLUMNS.join(',')}\r\n`);
  for (let i = 0; i < LINES; i++) {
    const l = lineOf(i);
    await write(`${l.platform},${l.platformClaimId},${l.amount.toFixed(2)},${l.currency},${l.settledAt.toISOString().slice(0, 19).replace('T', ' ')},${l.reference}\r\n`);
  }
  await new Promise<void>((r, f) => out.end((err?: Error | null) => (err ? f(err) : r())));
}

/** In the child: reads the file, checking that every row arrived and that XLSX dates are Dates. */
async function readOnce(format: StatementFormat, path: string): Promise<Reading> {
  global.gc?.();
  const rssBefore = memoryOf(process.pid).rss;
  const hwmReset = resetPeakRss(process.pid);
  const hwmBefore = memoryOf(process.pid).hwm;
  const started = process.hrtime.bigint();
  let rows = 0;
  const limits = { ...XLSX_READ_LIMITS, ...(HEAP_MB ? { maxOldGenerationSizeMb: HEAP_MB } : {}), ...(YOUNG_MB ? { maxYoungGenerationSizeMb: YOUNG_MB } : {}) };
  for await (const row of readStatement(path, format, { limits })) {
    if (format === 'xlsx' && !(row.cells.settledAt instanceof Date)) throw new Error(`row ${row.row}: settledAt is not a Date`);
    rows++;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (rows !== LINES) throw new Error(`read ${rows} rows of ${LINES}`);
  return { format, rows, ms, rssBefore, growth: memoryOf(process.pid).hwm - hwmBefore, hwmReset };
}

const TOKEN = 'bench-operator-token-0123456789';
const TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' } as const;

/** POSTs the file to the import and waits for the whole answer (kept only to check its row count). */
function post(port: number, file: string, format: StatementFormat): Promise<{ status: number; body: string; ms: number }> {
  const body = readFileSync(file);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = request({
      host: LOOPBACK, port, method: 'POST', path: '/api/settlements/import', agent: false, timeout: 600_000,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': TYPES[format], 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 600 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function importThroughService(dir: string, format: StatementFormat, file: string) {
  const mysql = process.env.BENCH_MYSQL_URL;
  let url = `sqlite:${join(dir, `${format}.sqlite`)}`;
  const databases: string[] = [];
  const admin = mysql ? await createConnection({ uri: mysql, connectTimeout: 5000 }) : null;
  if (admin) url = await freshMigratedDatabase(admin, mysql!, `claim_relay_statement_bench_${format}`, databases);
  else {
    const dataSource = await createDataSource(url);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
  }
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({
    qimen: { apps: [{ appKey: '12345678', secret: 'testsecret0123456789abcdef012345' }] },
    finance: { tokens: [{ name: 'bench', token: TOKEN, role: 'operator' }], maxStatementBytes: FINANCE_MAX_BODY_BYTES },
  }));
  const port = await freePort();
  const child: Child = startNode('claim-relay', join(ROOT, 'dist/src/main.js'), {
    ...process.env, PORT: String(port), DATABASE_URL: url, CLAIM_RELAY_CONFIG: config, DISPATCH_IN_PROCESS: '0', LOG_LEVEL: 'warn',
  }, SERVICE_NODE_ARGS);
  try {
    await waitForOk(child, port, '/readyz', 60_000);
    await sleep(2000); // start-up settles
    const rssBefore = memoryOf(child.pid).rss;
    const hwmReset = resetPeakRss(child.pid);
    const answer = await post(port, file, format);
    const hwmAfter = memoryOf(child.pid).hwm;
    if (answer.status !== 200) throw new Error(`import answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    const rows = (JSON.parse(answer.body) as { rows: number }).rows;
    if (rows !== LINES) throw new Error(`import read ${rows} rows of ${LINES}`);
    return { database: admin ? 'MariaDB' : 'SQLite', status: answer.status, ms: answer.ms, rssBefore, hwmAfter, hwmReset };
  } finally {
    await stopChild(child);
    for (const name of databases) await admin!.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin?.end();
  }
}

async function main(): Promise<void> {
  const [mode, format, path] = process.argv.slice(2);
  if (mode === '--read') {
    process.stdout.write(`${JSON.stringify(await readOnce(format as StatementFormat, path))}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-statement-bench-'));
  try {
    const files = { xlsx: join(dir, 'statement.xlsx'), csv: join(dir, 'statement.csv') };
    await writeXlsx(files.xlsx);
    await writeCsv(files.csv);
    for (const f of process.env.BENCH_STATEMENT_READER === '0' ? [] : FORMATS) {
      const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--read', f, files[f]], { encoding: 'utf8', timeout: 600_000 });
      const r = JSON.parse(out) as Reading;
      console.log(`${f.toUpperCase()} ${fmt.int(r.rows)} lines (${(statSync(files[f]).size / MiB).toFixed(1)} MiB): ${(r.ms / 1000).toFixed(1)} s, ` +
        `peak RSS growth ${fmt.mib(r.growth)}${r.hwmReset ? '' : ' (VmHWM NOT reset)'}, RSS before ${fmt.mib(r.rssBefore)}`);
    }
    if (process.env.BENCH_STATEMENT_SERVICE === '0') return;
    for (const f of FORMATS) {
      const r = await importThroughService(dir, f, files[f]);
      console.log(`service import of the ${f.toUpperCase()} (${r.database}): HTTP ${r.status}, ${(r.ms / 1000).toFixed(1)} s, ` +
        `peak RSS growth ${fmt.mib(r.hwmAfter - r.rssBefore)}${r.hwmReset ? '' : ' (VmHWM NOT reset)'}, RSS before ${fmt.mib(r.rssBefore)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
