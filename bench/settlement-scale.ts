import ExcelJS from 'exceljs';
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Connection, createConnection, RowDataPacket } from 'mysql2/promise';
import type { ImportReport } from '../src/commands/import-statement';
import { formatMinorTotal } from '../src/domain/money-totals';
import { TEST_APP } from '../test/support/qimen-push';
import { drainQueries, FINANCE_TOKEN, FinanceEnv, getJson, loadOrSample, PathLoad, SeededFinance, seedFinanceDatabase, startFinanceService } from './finance-scale';
import { MILLION_FILED_STATUSES, millionClaimOf, millionPlatformClaimId } from './seed-million';
import { Child, cpuCoresCell, CpuCores, cpuMeter, fmt, LOOPBACK, markdownTable, memoryOf, MiB, PeakMemory, resetPeakRss, rssSampler, stopChild } from './support';

/**
 * Scenario K of `npm run bench`: statement imports (settlements) on the finance data set of H
 * (1,000,000 judgments, bench/seed-million.ts; H's database when H ran in the same run, else a seed of its own).
 * The bench builds one statement of `lines` lines from the seeded claims (mostly lines that match a filed
 * claim at its amount, some at another amount, some of no claim, a few repeating an earlier line) and
 * writes it as CSV and as XLSX (exceljs' streaming writer, shared strings, amounts as numbers, times as
 * date cells, as a spreadsheet program writes them). Each format, on a service of its own started fresh:
 *   1. POST /api/settlements/import?dryRun=1, then the real import (an operator token): time, answer counts
 *      checked against what the bench built, and the service's peak RSS growth: VmHWM reset to VmRSS just
 *      before (/proc/<pid>/clear_refs), VmRSS also sampled every 20 ms;
 *   2. the settlement table emptied before the next format, so both import the same lines into the same state.
 * Then the reconciliation view of the finance page (GET /api/reconciliation with the page's default, no filter: its
 * per-platform settled and outstanding amounts) on the data the last import left: one request alone, then
 * autocannon (env.connections, env.seconds), or requests in turn when one alone is too slow (as H does).
 */
export const SETTLE_TARGET = { growth: 100 * MiB, p99Ms: 200 };
export const OPERATOR_TOKEN = 'bench-operator-token-0123456789';
const STATEMENT_FORMATS = [
  { format: 'csv', contentType: 'text/csv' },
  { format: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
] as const;
type StatementFormat = (typeof STATEMENT_FORMATS)[number]['format'];
const VIEW_PATH = '/api/reconciliation';
/** The warm-up statement: the first lines of the measured one (a dry run: nothing stored). */
const WARM_LINES = 100;
const UPLOAD_TIMEOUT_MS = 600_000;
/** A request of the view alone, or one of those sent in turn, is given up after this long (its query is then killed): no load follows a request alone given up. */
const VIEW_ALONE_BOUND_MS = 120_000;
/** Out of every 1,000 lines: repeats of an earlier line, lines of no claim, lines at another amount than claimed. */
const MIX = { duplicatePerMille: 2, unmatchedPerMille: 50, differingPerMille: 30 };

export interface SettlementEnv extends FinanceEnv {
  /** Lines of the statement. */
  lines: number;
}

/** What a report of the import counts (docs/http-contract.md). */
export type ReportCounts = Omit<ImportReport, 'lines'>;

interface StatementLine {
  platform: string;
  platformClaimId: string;
  amountMinor: number;
  settledAt: Date;
  reference: string;
}

export interface Statement {
  lines: StatementLine[];
  /** The counts a report of this statement must give on an empty settlement table. */
  expected: ReportCounts;
  /** Per platform, what the matched lines settle (the reconciliation view's settledAmount), in fen. */
  settledByPlatform: Map<string, bigint>;
  /** Filed claims the seed holds, and the share the statement's matched lines take. */
  filedClaims: number;
}

export interface ImportFigures extends PeakMemory {
  format: StatementFormat;
  dryRun: boolean;
  fileBytes: number;
  status: number;
  counts: ReportCounts;
  /** Lines in the answer's `lines` (one per row). */
  answerLines: number;
  answerBytes: number;
  ms: number;
  cpu: CpuCores;
  /** settlement rows after it (the real import: matched + unmatched). */
  storedAfter: number;
}

/** The reconciliation view measured once: one request alone, then under load when it answered. */
export interface ViewPhase extends PathLoad {
  label: string;
  /** The first request alone (NaN: no answer within VIEW_ALONE_BOUND_MS). */
  aloneMs: number;
  /** The SQL still running in MariaDB when the request alone was given up (its first 1,000 characters). */
  stuckSql: string[];
  /** How MariaDB's plan reads the claims for the view's sums, from EXPLAIN just before. */
  settlementIndex: string;
}

export interface ViewFigures {
  /** The first request of the view on the first service, before any statement line was stored (NaN: no answer within the bound). */
  aloneBeforeMs: number;
  settlementRows: number;
  /** On the importing service, views cached as by default; then on a service reading the database on every request. */
  phases: ViewPhase[];
}

export interface SettlementRun {
  date: string;
  judgments: number;
  seeded: SeededFinance;
  /** Whether the data set is H's database of the same run (else seeded for K). */
  reusedH: boolean;
  statement: { lines: number; expected: ReportCounts; filedClaims: number; bytes: Record<StatementFormat, number>; buildMs: number };
  imports: ImportFigures[];
  view: ViewFigures;
  totalMs: number;
}

// ---------------------------------------------------------------------------------------------- the statement

/** Beijing wall-clock time of line j, as a UTC-read Date (what a spreadsheet's date cell holds). */
const settledWallTime = (j: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, 0) + (j % 86_400) * 60_000);
const wallText = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/**
 * The statement of `count` lines over the seeded claims (see the file's comment): a matched line settles a
 * filed claim of its own (every stride-th in id order, spread over the table when it holds more than enough).
 */
export function buildStatement(opts: SeededFinance['opts'], count: number): Statement {
  const filed: number[] = [];
  for (let w = opts.claimEvery; w <= opts.judgments; w += opts.claimEvery) {
    if (MILLION_FILED_STATUSES.includes(millionClaimOf(opts, w)!.status)) filed.push(w);
  }
  const matchedWanted = count - Math.floor((count * (MIX.duplicatePerMille + MIX.unmatchedPerMille)) / 1000);
  if (filed.length < matchedWanted) throw new Error(`the seed holds ${filed.length} filed claims, too few for a ${count}-line statement: seed more judgments`);
  // At most `count` claims are taken: every stride-th one stays within the filed claims.
  const stride = Math.max(1, Math.floor(filed.length / count));
  const lines: StatementLine[] = [];
  const expected: ReportCounts = { rows: 0, matched: 0, unmatched: 0, duplicates: 0, invalid: 0, differing: 0 };
  const settledByPlatform = new Map<string, bigint>();
  let nextClaim = 0;
  for (let j = 0; j < count; j++) {
    const slot = j % 1000;
    expected.rows++;
    if (slot < MIX.duplicatePerMille && j >= 1000) {
      lines.push({ ...lines[j - 500] });
      expected.duplicates++;
      continue;
    }
    const reference = `STL${String(j).padStart(9, '0')}`;
    const settledAt = settledWallTime(j);
    if (slot >= 1000 - MIX.unmatchedPerMille || nextClaim * stride >= filed.length) {
      lines.push({ platform: j % 2 === 0 ? 'glitzcloud' : 'duobaoyu', platformClaimId: `NOCLAIM${j}`, amountMinor: 1000 + (j % 500), settledAt, reference });
      expected.unmatched++;
      continue;
    }
    const w = filed[nextClaim * stride];
    nextClaim++;
    const claim = millionClaimOf(opts, w)!;
    const differs = slot >= MIX.duplicatePerMille && slot < MIX.duplicatePerMille + MIX.differingPerMille;
    const amountMinor = differs ? claim.amountMinor - 100 : claim.amountMinor;
    lines.push({ platform: claim.platform, platformClaimId: millionPlatformClaimId(w), amountMinor, settledAt, reference });
    expected.matched++;
    if (differs) expected.differing++;
    settledByPlatform.set(claim.platform, (settledByPlatform.get(claim.platform) ?? 0n) + BigInt(amountMinor));
  }
  return { lines, expected, settledByPlatform, filedClaims: filed.length };
}

const HEADER = ['reference', 'platform', 'platformClaimId', 'amount', 'currency', 'settledAt'];
const amountText = (minor: number) => formatMinorTotal(BigInt(minor));

/** The lines as a CSV statement (UTF-8, header row, Beijing times as text). */
async function writeCsv(path: string, lines: readonly StatementLine[]): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${HEADER.join(',')}\n`);
  for (const l of lines) await write(`${l.reference},${l.platform},${l.platformClaimId},${amountText(l.amountMinor)},CNY,${wallText(l.settledAt)}\n`);
  out.end();
  await once(out, 'finish');
}

/** The lines as an XLSX statement: exceljs' streaming writer, shared strings, amounts as numbers, times as date cells. */
async function writeXlsx(path: string, lines: readonly StatementLine[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('statement');
  sheet.addRow(HEADER).commit();
  for (const l of lines) {
    const row = sheet.addRow([l.reference, l.platform, l.platformClaimId, l.amountMinor / 100, 'CNY', l.settledAt]);
    row.getCell(6).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}

const writers: Record<StatementFormat, (path: string, lines: readonly StatementLine[]) => Promise<void>> = { csv: writeCsv, xlsx: writeXlsx };

// ---------------------------------------------------------------------------------------------- the scenario

export async function settlementScenario(env: SettlementEnv, reuse: SeededFinance | undefined): Promise<SettlementRun> {
  const started = Date.now();
  const { log } = env;
  const seeded = reuse ?? (await seedFinanceDatabase(env, `claim_relay_bench_settle_${process.pid}`));
  if (reuse) log(`K on H's seeded database ${reuse.database}`);

  const buildStarted = Date.now();
  const statement = buildStatement(seeded.opts, env.lines);
  const files = {} as Record<StatementFormat, { path: string; warm: string; bytes: number }>;
  for (const { format } of STATEMENT_FORMATS) {
    const path = join(env.tmp, `statement.${format}`);
    const warm = join(env.tmp, `statement-warm.${format}`);
    await writers[format](path, statement.lines);
    await writers[format](warm, statement.lines.slice(0, WARM_LINES));
    files[format] = { path, warm, bytes: statSync(path).size };
  }
  const buildMs = Date.now() - buildStarted;
  const e = statement.expected;
  log(`K statement of ${fmt.int(e.rows)} lines (${fmt.int(e.matched)} of claims, ${fmt.int(e.differing)} of them at another amount; ${fmt.int(e.unmatched)} of no claim; ` +
    `${fmt.int(e.duplicates)} repeated) over ${fmt.int(statement.filedClaims)} filed claims: CSV ${fmt.mib(files.csv.bytes)}, XLSX ${fmt.mib(files.xlsx.bytes)}, built in ${(buildMs / 1000).toFixed(1)} s`);

  const configPath = join(env.tmp, 'settlement-config.json');
  const tokens = [{ name: 'bench', token: FINANCE_TOKEN, role: 'viewer' }, { name: 'bench-operator', token: OPERATOR_TOKEN, role: 'operator' }];
  writeFileSync(configPath, JSON.stringify({ qimen: { apps: [TEST_APP] }, finance: { tokens } }));
  // The view read from the database on every request: what each read costs, without the views' cache.
  const uncachedConfigPath = join(env.tmp, 'settlement-config-uncached.json');
  writeFileSync(uncachedConfigPath, JSON.stringify({ qimen: { apps: [TEST_APP] }, finance: { tokens, viewCacheSeconds: 0 } }));
  const probe = await createConnection({ uri: seeded.url, charset: 'utf8mb4', timezone: 'Z', connectTimeout: 5000 });
  const settlementRows = async () => Number((await probe.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM settlement'))[0][0].n);
  try {
    const imports: ImportFigures[] = [];
    let aloneBeforeMs = NaN;
    let view: ViewFigures | undefined;
    for (const [i, { format, contentType }] of STATEMENT_FORMATS.entries()) {
      // Each format imports the same lines into the same state, on a service of its own.
      await probe.query('DELETE FROM settlement');
      // The claims keep what their lines settle: with the lines gone, so is that.
      await probe.query('UPDATE claim SET settledAmountMinor = NULL, settledAt = NULL WHERE settledAmountMinor IS NOT NULL');
      const service = await startFinanceService(env, 'settlement service', seeded.url, configPath);
      try {
        const warm = await upload(service.port, true, files[format].warm, contentType, service.child.pid);
        if (warm.status !== 200) throw new Error(`the warm-up dry run (${format}) answered ${warm.status}: ${warm.body.slice(0, 300)}`);
        if (i === 0) {
          aloneBeforeMs = (await timedView(env, seeded.database, service.port, null)).ms;
          log(`K GET ${VIEW_PATH} alone, no statement line stored: ${aloneText(aloneBeforeMs)}`);
        }
        for (const dryRun of [true, false]) {
          imports.push(await measureImport({ env, service, format, contentType, dryRun, file: files[format], expected: e, settlementRows }));
        }
        if (i === STATEMENT_FORMATS.length - 1) {
          view = await measureView(env, {
            database: seeded.database, service, statement, probe, aloneBeforeMs, settlementRows: await settlementRows(),
            startUncached: () => startFinanceService(env, 'settlement service, views uncached', seeded.url, uncachedConfigPath),
          });
        }
        if (service.child.lines() > 0) log(`the settlement service wrote ${service.child.lines()} log lines at warn or above; last:\n${service.child.tail()}`);
      } finally {
        await stopChild(service.child);
      }
    }
    return {
      date: new Date().toISOString(), judgments: env.judgments, seeded, reusedH: reuse !== undefined,
      statement: { lines: env.lines, expected: e, filedClaims: statement.filedClaims, bytes: { csv: files.csv.bytes, xlsx: files.xlsx.bytes }, buildMs },
      imports, view: view!, totalMs: Date.now() - started,
    };
  } finally {
    await probe.end().catch(() => undefined);
  }
}

interface ImportContext {
  env: SettlementEnv;
  service: { child: Child; port: number };
  format: StatementFormat;
  contentType: string;
  dryRun: boolean;
  file: { path: string; bytes: number };
  expected: ReportCounts;
  settlementRows: () => Promise<number>;
}

/** One upload of the statement, measured (see the file's comment); its answer's counts must be the expected ones. */
async function measureImport({ env, service, format, contentType, dryRun, file, expected, settlementRows }: ImportContext): Promise<ImportFigures> {
  const pid = service.child.pid;
  const memBefore = memoryOf(pid);
  const hwmReset = resetPeakRss(pid);
  const before = memoryOf(pid);
  const meter = cpuMeter(() => [pid], env.mariadbPid);
  env.log(`K ${format.toUpperCase()} ${dryRun ? 'dry run' : 'import'}: POST /api/settlements/import${dryRun ? '?dryRun=1' : ''} (${fmt.mib(file.bytes)})`);
  const answer = await upload(service.port, dryRun, file.path, contentType, pid);
  const cpu = meter();
  const after = memoryOf(pid);
  if (answer.status !== 200) throw new Error(`the ${format} ${dryRun ? 'dry run' : 'import'} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const report = JSON.parse(answer.body) as ReportCounts & { lines: unknown[] };
  const counts: ReportCounts = {
    rows: report.rows, matched: report.matched, unmatched: report.unmatched, duplicates: report.duplicates, invalid: report.invalid, differing: report.differing,
  };
  const figures: ImportFigures = {
    format, dryRun, fileBytes: file.bytes, status: answer.status, counts, answerLines: report.lines.length, answerBytes: Buffer.byteLength(answer.body), ms: answer.ms,
    rssBefore: memBefore.rss, hwmBefore: before.hwm, hwmAfter: after.hwm, rssAfter: after.rss, sampledPeak: answer.peakRss, hwmReset, cpu, storedAfter: await settlementRows(),
  };
  env.log(`  ${fmt.int(figures.ms)} ms: ${countsText(counts)}; VmHWM ${fmt.mib(figures.hwmBefore)} → ${fmt.mib(figures.hwmAfter)} ` +
    `(+${fmt.mib(figures.hwmAfter - figures.hwmBefore)})${hwmReset ? '' : ' (VmHWM could not be reset)'}; CPU cores ${cpuCoresCell(cpu)}; ${fmt.int(figures.storedAfter)} lines stored`);
  const storedWanted = dryRun ? 0 : expected.matched + expected.unmatched;
  const wrong = (Object.keys(expected) as Array<keyof ReportCounts>).filter((k) => counts[k] !== expected[k]);
  if (wrong.length || figures.answerLines !== expected.rows || figures.storedAfter !== storedWanted) {
    throw new Error(`the ${format} ${dryRun ? 'dry run' : 'import'} answered ${countsText(counts)} with ${figures.answerLines} lines and left ${figures.storedAfter} stored; ` +
      `expected ${countsText(expected)} and ${storedWanted} stored`);
  }
  return figures;
}

const countsText = (c: ReportCounts) =>
  `${fmt.int(c.rows)} rows: ${fmt.int(c.matched)} matched, ${fmt.int(c.unmatched)} unmatched, ${fmt.int(c.duplicates)} duplicates, ${fmt.int(c.invalid)} invalid, ${fmt.int(c.differing)} differing`;

const aloneText = (ms: number) => (Number.isNaN(ms) ? `no answer within ${VIEW_ALONE_BOUND_MS / 1000} s` : `${fmt.ms(ms)} ms`);

/**
 * One request of the view alone: its time, or NaN when it gave no answer within VIEW_ALONE_BOUND_MS (the SQL
 * it left running is kept, then killed). With a statement, its per-platform settled amounts must be what the
 * statement's matched lines add up to.
 */
async function timedView(env: SettlementEnv, database: string, port: number, statement: Statement | null): Promise<{ ms: number; stuckSql: string[] }> {
  const t0 = process.hrtime.bigint();
  let answer: { status: number; body: string };
  try {
    answer = await getJson(port, VIEW_PATH, VIEW_ALONE_BOUND_MS);
  } catch (err) {
    env.log(`  ${(err as Error).message}`);
    const [rows] = await env.admin.query<RowDataPacket[]>(
      "SELECT info FROM information_schema.processlist WHERE db = ? AND command = 'Query' AND id <> CONNECTION_ID()", [database],
    );
    const stuckSql = rows.map((r) => String(r.info).slice(0, 1000));
    for (const sql of stuckSql) env.log(`  still running: ${sql}`);
    await drainQueries(env.admin, database, env.log);
    return { ms: NaN, stuckSql };
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (answer.status !== 200) throw new Error(`GET ${VIEW_PATH}: ${answer.status} ${answer.body.slice(0, 300)}`);
  if (statement) {
    const body = JSON.parse(answer.body) as { currencies: Array<{ currency: string; byPlatform: Array<{ platform: string; settledAmount: string }> }> };
    const cny = body.currencies.find((c) => c.currency === 'CNY');
    for (const [platform, minor] of statement.settledByPlatform) {
      const shown = cny?.byPlatform.find((p) => p.platform === platform)?.settledAmount;
      if (shown !== formatMinorTotal(minor)) throw new Error(`GET ${VIEW_PATH}: ${platform} settled ${shown}, the statement's matched lines add up to ${formatMinorTotal(minor)}`);
    }
  }
  return { ms, stuckSql: [] };
}

interface ViewContext {
  database: string;
  service: { child: Child; port: number };
  statement: Statement;
  probe: Connection;
  aloneBeforeMs: number;
  settlementRows: number;
  /** A service on the same database that reads the view on every request (finance.viewCacheSeconds 0). */
  startUncached: () => Promise<{ child: Child; port: number }>;
}

/**
 * The reconciliation view with the statement's lines stored: on the service that imported them, as configured
 * by default (the import cleared its views, so its first request reads the database; the rest share reads
 * at most finance.viewCacheSeconds old), then on a service that reads the database on every request.
 */
async function measureView(env: SettlementEnv, ctx: ViewContext): Promise<ViewFigures> {
  const phases: ViewPhase[] = [await measureViewPhase(env, ctx, 'right after the import, views cached (default 10 s)')];
  const uncached = await ctx.startUncached();
  try {
    phases.push(await measureViewPhase(env, { ...ctx, service: uncached }, 'every request read from the database (viewCacheSeconds 0)'));
  } finally {
    await stopChild(uncached.child);
  }
  return { aloneBeforeMs: ctx.aloneBeforeMs, settlementRows: ctx.settlementRows, phases };
}

/** One request alone (checked), then under load when it answered. */
async function measureViewPhase(env: SettlementEnv, { database, service, statement, probe, settlementRows }: ViewContext, label: string): Promise<ViewPhase> {
  const settlementIndex = await settledSumIndex(probe);
  const alone = await timedView(env, database, service.port, statement);
  env.log(`K GET ${VIEW_PATH} alone, ${fmt.int(settlementRows)} statement lines stored, ${label} (claims read through ${settlementIndex}): ${aloneText(alone.ms)}`);
  if (Number.isNaN(alone.ms)) {
    return {
      label, aloneMs: NaN, stuckSql: alone.stuckSql, settlementIndex, loaded: false, connections: 1, seconds: VIEW_ALONE_BOUND_MS / 1000, reqPerSec: 0, completed: 0, non2xx: 0, errors: 1,
      p50: NaN, p99: NaN, max: NaN, cpu: { server: null, mariadb: null, loadgen: 0, other: null },
    };
  }
  env.log(`  then ${env.connections} connections, ${env.seconds} s (or in turn if slow)`);
  const load = await loadOrSample(service.port, VIEW_PATH, alone.ms, env, service.child.pid, VIEW_ALONE_BOUND_MS);
  env.log(`  ${load.reqPerSec < 10 ? load.reqPerSec.toFixed(2) : fmt.int(load.reqPerSec)} req/s, p50 ${fmt.ms(load.p50)} ms, p99 ${fmt.ms(load.p99)} ms, max ${fmt.ms(load.max)} ms; ` +
    `${load.non2xx} non-2xx, ${load.errors} errors; CPU cores ${cpuCoresCell(load.cpu)}`);
  await drainQueries(env.admin, database, env.log);
  return { ...load, label, aloneMs: alone.ms, stuckSql: [], settlementIndex };
}

/** How MariaDB's plan reads the claims for the view's sums, settled amounts included (src/api/summary.ts claimGroups). */
async function settledSumIndex(probe: Connection): Promise<string> {
  const [rows] = await probe.query<RowDataPacket[]>('EXPLAIN SELECT COUNT(*), SUM(c.amountMinor), SUM(COALESCE(c.acceptedAmountMinor, c.amountMinor)), SUM(c.settledAmountMinor) FROM claim c GROUP BY c.platform, c.currency, c.status');
  return rows.length ? rows.map((r) => `${r.table} ${r.type}${r.key ? ` ${r.key}` : ''} ~${fmt.int(Number(r.rows))}`).join('; ') : 'no plan';
}

/** POSTs a statement file with the operator token, keeping the answer, sampling the server's VmRSS every 20 ms. */
function upload(port: number, dryRun: boolean, file: string, contentType: string, serverPid: number): Promise<{ status: number; body: string; ms: number; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const peakRss = rssSampler(serverPid);
    const fail = (err: Error) => {
      peakRss();
      reject(err);
    };
    const req = request({
      host: LOOPBACK, port, method: 'POST', path: `/api/settlements/import${dryRun ? '?dryRun=1' : ''}`, agent: false, timeout: UPLOAD_TIMEOUT_MS,
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': contentType, 'content-length': statSync(file).size },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6, peakRss: peakRss(),
      }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`POST /api/settlements/import: no answer within ${UPLOAD_TIMEOUT_MS / 1000} s`)));
    req.on('error', fail);
    createReadStream(file).on('error', fail).pipe(req);
  });
}

// ---------------------------------------------------------------------------------------------- report

export function settlementTables(run: SettlementRun): string {
  const ms = (n: number) => (Number.isNaN(n) ? '—' : fmt.ms(n));
  const label = (f: ImportFigures) => `${f.format.toUpperCase()} ${f.dryRun ? 'dry run' : 'import'}`;
  const imports = markdownTable(
    ['K POST /api/settlements/import', ...run.imports.map(label)],
    [
      ['Statement', ...run.imports.map((f) => `${fmt.int(f.counts.rows)} lines, ${fmt.int(f.fileBytes)} bytes (${fmt.mib(f.fileBytes)})`)],
      ['Answer', ...run.imports.map((f) => `${f.status}, ${fmt.int(f.answerLines)} lines, ${fmt.mib(f.answerBytes)}`)],
      ['Matched / unmatched / duplicates / invalid', ...run.imports.map((f) => [f.counts.matched, f.counts.unmatched, f.counts.duplicates, f.counts.invalid].map(fmt.int).join(' / '))],
      ['Differing (claims)', ...run.imports.map((f) => fmt.int(f.counts.differing))],
      ['Lines stored after', ...run.imports.map((f) => fmt.int(f.storedAfter))],
      ['Time (upload to last byte of the answer)', ...run.imports.map((f) => `${(f.ms / 1000).toFixed(1)} s (${fmt.int(f.counts.rows / (f.ms / 1000))} lines/s)`)],
      ['CPU cores server / MariaDB / load gen / other', ...run.imports.map((f) => cpuCoresCell(f.cpu))],
      ['Service RSS before (VmRSS)', ...run.imports.map((f) => fmt.mib(f.rssBefore))],
      [`Service peak RSS before (VmHWM${run.imports.every((f) => f.hwmReset) ? ', reset to VmRSS' : ', NOT always reset'})`, ...run.imports.map((f) => fmt.mib(f.hwmBefore))],
      ['Service peak RSS after (VmHWM)', ...run.imports.map((f) => fmt.mib(f.hwmAfter))],
      ['**Peak RSS growth** (VmHWM after − before)', ...run.imports.map((f) => `**${fmt.mib(f.hwmAfter - f.hwmBefore)}**`)],
      ['Highest VmRSS sampled every 20 ms', ...run.imports.map((f) => fmt.mib(f.sampledPeak))],
      ['Service RSS after (VmRSS)', ...run.imports.map((f) => fmt.mib(f.rssAfter))],
    ],
  );
  const v = run.view;
  const view = markdownTable(
    [`K GET ${VIEW_PATH} (no filter), ${fmt.int(v.settlementRows)} lines stored`, 'Claims read through (EXPLAIN)', 'Alone ms', 'Conns', 'Secs', 'Req/s', 'p50 ms', 'p99 ms', 'Max ms', 'Answers', 'Failed',
      'CPU cores server / MariaDB / load gen / other'],
    [
      ['before any statement line was stored', '—', ms(v.aloneBeforeMs), '—', '—', '—', '—', '—', '—', '—', '—', '—'],
      ...v.phases.map((p) => [
        p.label, p.settlementIndex, ms(p.aloneMs), p.loaded ? String(p.connections) : '1, in turn', p.completed ? p.seconds.toFixed(1) : '—',
        p.reqPerSec < 10 ? p.reqPerSec.toFixed(2) : fmt.int(p.reqPerSec), ms(p.p50), ms(p.p99), ms(p.max), fmt.int(p.completed), fmt.int(p.non2xx + p.errors),
        p.completed ? cpuCoresCell(p.cpu) : '—',
      ]),
    ],
  );
  const stuckSql = v.phases.flatMap((p) => p.stuckSql.map((q) => `- ${p.label}: \`${q.replace(/\s+/g, ' ').replaceAll('`', '')}\``));
  const stuck = stuckSql.length
    ? `\n\nA request alone gave no answer within ${VIEW_ALONE_BOUND_MS / 1000} s; the SQL it left running in MariaDB (first 1,000 characters; then killed):\n\n${stuckSql.join('\n')}`
    : '';
  return `${imports}\n\n${view}${stuck}`;
}

/** The worst peak RSS growth of a format's uploads (dry run and import), and whether every one of them reset VmHWM. */
function formatGrowth(run: SettlementRun, format: StatementFormat): { growth: number; reset: boolean } {
  const own = run.imports.filter((f) => f.format === format);
  return { growth: Math.max(...own.map((f) => f.hwmAfter - f.hwmBefore)), reset: own.every((f) => f.hwmReset) };
}

export function settlementTargetsParagraph(run: SettlementRun): string {
  const lines = fmt.int(run.statement.lines);
  const growthText = STATEMENT_FORMATS.map(({ format }) => {
    const g = formatGrowth(run, format);
    const own = run.imports.filter((f) => f.format === format);
    const met = g.reset && g.growth <= SETTLE_TARGET.growth;
    return `${format.toUpperCase()} **${met ? 'met' : 'not met'}** (${own.map((f) => `${f.dryRun ? 'dry run' : 'import'} +${fmt.mib(f.hwmAfter - f.hwmBefore)} in ${(f.ms / 1000).toFixed(1)} s`).join(', ')}` +
      `${g.reset ? '' : '; VmHWM not reset'})`;
  }).join('; ');
  const [left, ...rest] = run.view.phases;
  const p99Text = (p: ViewPhase) => {
    const clean = p.non2xx + p.errors === 0 && p.completed > 0;
    const met = clean && p.p99 <= SETTLE_TARGET.p99Ms;
    return `**${met ? 'met' : 'not met'}**, p99 ${Number.isNaN(p.p99) ? '— (no answer)' : `${fmt.ms(p.p99)} ms`}` +
      `${p.completed === 0 ? '' : p.loaded ? ` under ${p.connections} connections` : ' (requests in turn: one alone was too slow to load)'}, one request alone ${aloneText(p.aloneMs)}` +
      `${clean || p.completed === 0 ? '' : '; some requests failed'}`;
  };
  return (
    `Issue 17, importing a ${lines}-line statement on ${fmt.int(run.judgments)} judgments with peak RSS growth ≤ ${SETTLE_TARGET.growth / MiB} MB: ${growthText}. ` +
    `Issue 17, the reconciliation view's p99 ≤ ${SETTLE_TARGET.p99Ms} ms on that data, ${left.label}: ${p99Text(left)}` +
    `${rest.map((p) => `; ${p.label}: ${p99Text(p)}`).join('')}.`
  );
}

/** The `## K settlements on 1,000,000 judgments` section of BENCHMARKS.md. */
export function settlementSection(run: SettlementRun, env: { connections: number; seconds: number; loadAtStart: string }): string {
  const cpu = cpus();
  const e = run.statement.expected;
  const s = run.seeded;
  return [
    `## K settlements on ${fmt.int(run.judgments)} judgments`,
    '',
    `Written by \`npm run bench\` (also alone: \`BENCH_SCENARIOS=K npm run bench\`), ${run.date}; K took **${(run.totalMs / 60_000).toFixed(1)} minutes** of the run` +
      `${run.reusedH ? " (H's seeded database reused)" : ', seeding included'}.`,
    `${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'}; Node ${process.version}; MariaDB ${s.mariadb} (innodb_buffer_pool_size ${fmt.mib(s.bufferPool)});`,
    `load average (1 min) at the start of K: ${env.loadAtStart}. The machine is shared: other sessions' work shows in the "other" CPU column.`,
    '',
    `- Data: the data set of H (bench/seed-million.ts, ${run.reusedH ? "H's own database of the same run" : `seeded for K in ${(s.seed.totalMs / 1000).toFixed(1)} s`}): ` +
      `${Object.entries(s.seed.rows).map(([t, n]) => `${t} ${fmt.int(n)}`).join(', ')};`,
    `  ${fmt.int(run.statement.filedClaims)} filed claims (${MILLION_FILED_STATUSES.join(', ')}) hold a platform claim id.`,
    `- The statement (built by the bench, ${(run.statement.buildMs / 1000).toFixed(1)} s): ${fmt.int(e.rows)} lines, ${fmt.int(e.matched)} of filed claims (each a claim of`,
    `  its own; ${fmt.int(e.differing)} of them ${formatMinorTotal(100n)} below the amount claimed), ${fmt.int(e.unmatched)} of no claim, ${fmt.int(e.duplicates)} repeating an earlier line of the file.`,
    `  CSV ${fmt.mib(run.statement.bytes.csv)} (times as Beijing text); XLSX ${fmt.mib(run.statement.bytes.xlsx)} (exceljs' streaming writer with shared strings, amounts as number`,
    '  cells, times as date cells).',
    '- Each format on a service of its own (`node dist/src/main.js`, default pool, LOG_LEVEL=warn, DISPATCH_IN_PROCESS=0), started fresh and warmed',
    `  with a dry run of the statement's first ${WARM_LINES} lines; the settlement table emptied before, so both formats import the same lines into the same`,
    '  state. Then `?dryRun=1` and the real import, one after the other, with an operator token; the answer\'s counts, its lines and the rows',
    '  stored are checked against what the bench built. Time: from the first byte sent to the last byte of the answer (the whole report).',
    '  VmHWM is reset to VmRSS right before each upload (/proc/<pid>/clear_refs), so "growth" is the upload\'s own peak over what the',
    '  service held before it (the dry run\'s leftovers included for the import after it); VmRSS is also sampled every 20 ms.',
    `- The reconciliation view: the finance page's per-platform table comes from \`GET ${VIEW_PATH}\` with the page's filter, by default none`,
    '  (every claim; per currency and platform the settled and outstanding amounts). On the data the XLSX import left, with a viewer token, twice:',
    '  on the service that imported it, as configured by default (the import cleared its views, so its first request reads the database and',
    '  the rest share reads at most finance.viewCacheSeconds old, src/api/view-cache.ts), then on a service of its own with viewCacheSeconds 0',
    '  (every request reads the database). Each time its first request alone (the per-platform settled amounts checked against the statement), then autocannon',
    `  with ${env.connections} connections for ${env.seconds} s, or, when one request alone takes over 2 s, up to 3 requests in turn (as H). A request, alone or in`,
    `  turn, is given up after ${VIEW_ALONE_BOUND_MS / 1000} s (its query then killed). "Before any statement line": its first request on the CSV service, before`,
    '  the CSV dry run.',
    '  "Claims read through": how MariaDB\'s plan reads the claims for the view\'s sums, each claim\'s kept settled amount included',
    '  (EXPLAIN, just before, of the grouped query of claimGroups in src/api/summary.ts: its access type, index and estimated rows).',
    '',
    settlementTables(run),
    '',
    settlementTargetsParagraph(run),
    '',
  ].join('\n');
}
