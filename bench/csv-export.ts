import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDataSource } from '../ormconfig';
import { seedJudgments } from './seed-judgments';
import { Child, fmt, freePort, LOOPBACK, memoryOf, startNode, stopChild, waitForOk } from './support';

/**
 * `npm run build && node dist/bench/csv-export.js`: the finance CSV and XLSX exports of 100,000 judgments with the
 * service's peak RSS measured, each next to an export of 10,000, once with Node's default heap and once with
 * the heap capped (flat memory: the capped service exports all rows at about the same peak), and the
 * finance API's latency (p50/p95) on that table. Rows are seeded with multi-row INSERTs, not HTTP.
 *
 * Environment (optional): BENCH_CSV_ROWS (100000), BENCH_DATABASE_URL (default: a fresh SQLite file;
 * a mysql:// URL must name an empty database).
 */
const ROOT = resolve(__dirname, '../..');
const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 100_000);
const TOKEN = 'bench-finance-token-0123456789';
const NEWEST = new Date('2026-06-30T00:00:00.000Z');
const STEP_MS = 60_000;

interface Streamed {
  status: number;
  bytes: number;
  lines: number;
  ms: number;
  peakRss: number;
}

/** GETs `path` with the bearer token, counting bytes and lines as they stream (nothing is kept), sampling the server's RSS. */
function streamGet(port: number, path: string, serverPid: number): Promise<Streamed> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    let peakRss = memoryOf(serverPid).rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(serverPid).rss)), 20);
    const req = request({ host: LOOPBACK, port, path, headers: { authorization: `Bearer ${TOKEN}` }, agent: false }, (res) => {
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines++;
      });
      res.on('end', () => {
        clearInterval(sampler);
        peakRss = Math.max(peakRss, memoryOf(serverPid).rss);
        done({ status: res.statusCode ?? 0, bytes, lines, ms: Number(process.hrtime.bigint() - started) / 1e6, peakRss });
      });
      res.on('error', fail);
    });
    req.on('error', (err) => {
      clearInterval(sampler);
      fail(err);
    });
    req.end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function latency(port: number, pid: number, path: string, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await streamGet(port, path, pid);
    if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}`);
    times.push(answer.ms);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-csv-bench-'));
  const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`;
  let child: Child | undefined;
  try {
    const dataSource = await createDataSource(url);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const seedStarted = Date.now();
    await seedJudgments(dataSource, { count: ROWS, newestAt: NEWEST, stepMs: STEP_MS, prefix: 'BENCH' });
    const seedMs = Date.now() - seedStarted;
    await dataSource.destroy();

    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      qimen: { apps: [{ appKey: '12345678', secret: 'testsecret0123456789abcdef012345' }] },
      finance: { tokens: [{ name: 'bench', token: TOKEN, role: 'viewer' }] },
    }));
    const figures = [`CSV export benchmark (${dataSource.options.type}, ${fmt.int(ROWS)} judgments seeded with multi-row INSERTs in ${fmt.int(seedMs)} ms)`];

    // Twice: with Node's default heap, and with the old space capped at 96 MiB. The cap proves the export
    // holds no more than a batch: memory that grew with the row count would end in an out-of-memory crash.
    for (const [label, execArgv] of [['default heap', []], ['heap capped at 96 MiB', ['--max-old-space-size=96']]] as const) {
      const port = await freePort();
      child = startNode('claim-relay', join(ROOT, 'dist/src/main.js'), {
        ...process.env, PORT: String(port), DATABASE_URL: url, CLAIM_RELAY_CONFIG: config, DISPATCH_IN_PROCESS: '0', LOG_LEVEL: 'warn',
      }, [...execArgv]);
      await waitForOk(child, port, '/readyz', 60_000);
      figures.push(`service with ${label}:`);
      if (execArgv.length === 0) {
        const list = await latency(port, child.pid, '/api/judgments?limit=50', 100);
        const filtered = await latency(port, child.pid, '/api/judgments?limit=50&tenantId=MAOCHAO&status=completed', 100);
        const search = await latency(port, child.pid, '/api/judgments?q=WB-BENCH-4242', 100);
        const summary = await latency(port, child.pid, '/api/summary', 5);
        figures.push(
          `  GET /api/judgments?limit=50                           p50 ${fmt.ms(list.p50)} ms, p95 ${fmt.ms(list.p95)} ms`,
          `  GET /api/judgments?limit=50&tenantId=…&status=…       p50 ${fmt.ms(filtered.p50)} ms, p95 ${fmt.ms(filtered.p95)} ms`,
          `  GET /api/judgments?q=<waybill>                        p50 ${fmt.ms(search.p50)} ms, p95 ${fmt.ms(search.p95)} ms`,
          `  GET /api/summary (all ${fmt.int(ROWS)} judgments)           p50 ${fmt.ms(summary.p50)} ms`,
        );
      }
      const idle = memoryOf(child.pid);
      const tenth = new Date(NEWEST.getTime() - (ROWS / 10 - 1) * STEP_MS).toISOString();
      const small = await streamGet(port, `/api/judgments.csv?from=${encodeURIComponent(tenth)}`, child.pid);
      const full = await streamGet(port, '/api/judgments.csv', child.pid);
      if (small.status !== 200 || full.status !== 200) throw new Error(`CSV export answered ${small.status} / ${full.status}`);
      if (full.lines !== ROWS + 1) throw new Error(`CSV export had ${full.lines - 1} data rows, expected ${ROWS}`);
      figures.push(
        `  RSS before the exports                               ${fmt.mib(idle.rss)}`,
        `  CSV ${fmt.int(small.lines - 1).padStart(7)} rows: ${fmt.int(small.ms).padStart(6)} ms, ${fmt.mib(small.bytes).padStart(9)}, peak RSS ${fmt.mib(small.peakRss)}`,
        `  CSV ${fmt.int(full.lines - 1).padStart(7)} rows: ${fmt.int(full.ms).padStart(6)} ms, ${fmt.mib(full.bytes).padStart(9)}, peak RSS ${fmt.mib(full.peakRss)}` +
          ` (${fmt.int((full.lines - 1) / (full.ms / 1000))} rows/s; +${fmt.mib(full.peakRss - small.peakRss)} over 10x fewer rows)`,
      );
      const xlsxSmall = await streamGet(port, `/api/judgments.xlsx?tz=Asia/Shanghai&from=${encodeURIComponent(tenth)}`, child.pid);
      const xlsxFull = await streamGet(port, '/api/judgments.xlsx?tz=Asia/Shanghai', child.pid);
      if (xlsxSmall.status !== 200 || xlsxFull.status !== 200) throw new Error(`XLSX export answered ${xlsxSmall.status} / ${xlsxFull.status}`);
      figures.push(
        `  XLSX ${fmt.int(ROWS / 10).padStart(6)} rows: ${fmt.int(xlsxSmall.ms).padStart(6)} ms, ${fmt.mib(xlsxSmall.bytes).padStart(9)}, peak RSS ${fmt.mib(xlsxSmall.peakRss)}`,
        `  XLSX ${fmt.int(ROWS).padStart(6)} rows: ${fmt.int(xlsxFull.ms).padStart(6)} ms, ${fmt.mib(xlsxFull.bytes).padStart(9)}, peak RSS ${fmt.mib(xlsxFull.peakRss)}` +
          ` (${fmt.int(ROWS / (xlsxFull.ms / 1000))} rows/s; ${fmt.mib(xlsxFull.peakRss - xlsxSmall.peakRss)} over 10x fewer rows)`,
        `  peak RSS over the service's life (VmHWM)             ${fmt.mib(memoryOf(child.pid).hwm)}`,
      );
      await stopChild(child);
      child = undefined;
    }
    process.stdout.write(`${figures.join('\n')}\n`);
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`csv-export bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
