import { Readable } from 'node:stream';
import { seedJudgments } from '../../bench/seed-judgments';
import { DatabaseAddress, databaseAddressOf } from '../../ormconfig';
import { closeIdleCsvExportThreads, CSV_EXPORTS_AT_ONCE, csvExportThreads, openCsvExport } from '../../src/api/csv-export-thread';
import type { CsvExportJob } from '../../src/api/csv-export.worker';
import { reconciliationRules } from '../../src/domain/reconciliation';
import { openMigratedDatabase, TEST_DATABASES } from '../support/databases';

const ROWS = 1200;
const JOB: CsvExportJob = { list: 'judgments', format: 'csv', filter: {}, rules: reconciliationRules([], 7, new Date('2026-03-02T00:00:00.000Z')), batchRows: 100, tz: 'UTC' };

/** Opens an export and reads it to its end: the text, or the error it failed with (opening or reading). */
async function drain(opening: Promise<Readable>): Promise<{ text: string; error?: Error }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await opening) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { text: Buffer.concat(chunks).toString('utf8'), error: error as Error };
  }
}

const dataLines = (text: string) => text.replace(/^\ufeff/, '').trimEnd().split('\n').slice(1);

async function until(what: string, holds: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (holds()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`still not true after ${ms} ms: ${what}`);
}

describe.each(TEST_DATABASES)('CSV export threads on %s', (kind) => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: DatabaseAddress;
  beforeAll(async () => {
    opened = await openMigratedDatabase(kind);
    await seedJudgments(opened.dataSource, { count: ROWS, newestAt: new Date('2026-03-01T00:00:00.000Z'), stepMs: 60_000 });
    database = databaseAddressOf(opened.dataSource);
  });
  afterEach(async () => {
    closeIdleCsvExportThreads();
    await until('every export thread ended', () => csvExportThreads().running === 0 && csvExportThreads().idle === 0);
  });
  afterAll(() => opened.close());

  it('streams every row, batch after batch, from a thread of its own', async () => {
    const before = csvExportThreads().started;
    const { text, error } = await drain(openCsvExport(database, JOB));
    expect(error).toBeUndefined();
    const lines = dataLines(text);
    expect(lines).toHaveLength(ROWS);
    expect(new Set(lines.map((l) => l.split(',')[0])).size).toBe(ROWS);
    expect(csvExportThreads()).toMatchObject({ started: before + 1, running: 0, idle: 1 });
  });

  it('runs the next export on the idle thread, and ends a thread left idle for its idle time', async () => {
    const before = csvExportThreads().started;
    expect(dataLines((await drain(openCsvExport(database, JOB, { idleMs: 60_000 }))).text)).toHaveLength(ROWS);
    expect(dataLines((await drain(openCsvExport(database, JOB, { idleMs: 200 }))).text)).toHaveLength(ROWS);
    expect(csvExportThreads()).toMatchObject({ started: before + 1, idle: 1 });
    await until('the idle thread ended', () => csvExportThreads().idle === 0, 5000);
  });

  it('stops the thread, and does not keep it, when the reader goes away mid-export', async () => {
    const stream = await openCsvExport(database, JOB);
    let got = 0;
    for await (const chunk of stream) {
      got += (chunk as Buffer).length;
      break; // for-await's break destroys the stream, as Koa does when the client disconnects
    }
    expect(got).toBeGreaterThan(0);
    await until('the export ended', () => csvExportThreads().running === 0);
    expect(csvExportThreads().idle).toBe(0);
  });

  it(`runs at most ${CSV_EXPORTS_AT_ONCE} exports at once; the others wait for a turn and then complete`, async () => {
    // Opened, not read: each running export holds its turn until its reader takes the rest.
    const openings = Array.from({ length: CSV_EXPORTS_AT_ONCE + 2 }, () => openCsvExport(database, JOB));
    await until(`${CSV_EXPORTS_AT_ONCE} running and 2 waiting`, () => {
      const t = csvExportThreads();
      return t.running === CSV_EXPORTS_AT_ONCE && t.waiting === 2;
    });
    const results = await Promise.all(openings.map(drain));
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(dataLines(r.text)).toHaveLength(ROWS);
    }
    expect(csvExportThreads().idle).toBeLessThanOrEqual(CSV_EXPORTS_AT_ONCE);
  });

  it('fails the download alone when the export outgrows its heap cap, naming the cause', async () => {
    const { error } = await drain(openCsvExport(database, JOB, { limits: { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 } }));
    expect(error?.message).toMatch(/memory limit/);
    // The process goes on: the next export, with the normal cap, is whole.
    const next = await drain(openCsvExport(database, JOB));
    expect(next.error).toBeUndefined();
    expect(dataLines(next.text)).toHaveLength(ROWS);
  });

  it('fails with the database error when the thread cannot read, without the password in the message', async () => {
    const broken: DatabaseAddress = kind === 'sqlite'
      ? { url: `sqlite:${__filename}/under-a-file.sqlite` } // its directory cannot exist
      : { url: 'mysql://root:not-the-password@127.0.0.1:3306/claim_relay_no_such_db', mysqlFlavor: 'mariadb' };
    const { text, error } = await drain(openCsvExport(broken, JOB));
    expect(text).toBe('');
    expect(error?.message).toMatch(/^CSV export failed: /);
    expect(csvExportThreads().running).toBe(0);
    expect(error?.message).not.toContain('not-the-password');
  });
});
