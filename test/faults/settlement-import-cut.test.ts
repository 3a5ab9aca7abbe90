import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load';
import { AuditLog, Claim, Settlement } from '../../src/entities';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES, type TestDatabase } from '../support/databases';
import { signedPush, specExample, TEST_APP } from '../support/qimen-push';
import { proxiedMysqlDatabase } from '../support/proxied-database';
import type { TcpProxy } from '../support/tcp-proxy';

const onMysql = TEST_DATABASES.includes('mysql') ? describe : describe.skip;

const OPERATOR = 'operator-token-0123456789';
const CLAIMS = 50;
/** Lines per claim in each statement: 600 matched lines and 100 unmatched, two batches of the import. */
const LINES_PER_CLAIM = 12;
const UNMATCHED = 100;

/**
 * A statement import whose database connection is reset part-way (MariaDB through the test's TCP proxy):
 * what was committed stays, what was not is gone whole, and importing the same file again stores the rest.
 * Throughout, each claim's settled amount is exactly the sum of the lines stored for it, each line counted once.
 */
onMysql('a statement import whose database connection is reset part-way', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let direct: DataSource;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    let url: string;
    ({ db, proxy, url } = await proxiedMysqlDatabase());
    dataSource = await createDataSource(url);
    await dataSource.initialize();
    direct = await createDataSource(db.url);
    await direct.initialize();
    const config = parseConfig({
      qimen: { apps: [TEST_APP] },
      platforms: { appintf: { baseUrl: 'http://127.0.0.1:9', sessionId: 'session-secret-xyz' } },
      routes: [{ name: 'refund', platform: 'appintf', when: { established: true }, fields: { orderId: '123456', cause: '{judgeResult.judgeReason}' } }],
      finance: { tokens: [{ name: 'fin-op', token: OPERATOR, role: 'operator' }] },
    });
    server = createServer(createApp({ config, dataSource, logger: createLogger({ level: 'silent' }) }).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The claims: one per pushed judgment, accepted by appintf as refund R-<i>.
    for (let i = 0; i < CLAIMS; i++) {
      const j = specExample();
      j.externalOrderId = `CUT-IMPORT-${i}`;
      j.logisticsOrderNo = `LOGI-CUT-IMPORT-${i}`;
      const signed = signedPush(JSON.stringify(j));
      const res = await fetch(`${baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body });
      expect(((await res.json()) as { error: string }).error).toBe('200');
    }
    const claims = await direct.getRepository(Claim).find({ order: { id: 'ASC' } });
    expect(claims).toHaveLength(CLAIMS);
    for (const [i, c] of claims.entries()) await direct.getRepository(Claim).update({ id: c.id }, { status: 'accepted', attempts: 1, nextAttemptAt: null, platformClaimId: `R-${i}` });
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dataSource.destroy();
    await direct.destroy();
    await proxy.close();
    await db.drop();
  });

  /** Round `round`'s statement: every claim's lines (amounts in fen: round, claim and line apart) and lines of no claim. */
  function statement(round: number): { csv: string; perClaim: number[] } {
    const rows = ['platform,platformClaimId,amount,currency,settledAt,reference'];
    const perClaim: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      perClaim.push(0);
      for (let k = 0; k < LINES_PER_CLAIM; k++) {
        const fen = 100 * round + 10 * k + (i % 10) + 1;
        perClaim[i] += fen;
        rows.push(`appintf,R-${i},${(fen / 100).toFixed(2)},CNY,2026-03-0${round},S${round}-${i}-${k}`);
      }
    }
    for (let u = 0; u < UNMATCHED; u++) rows.push(`appintf,NOBODY-${u},1.00,CNY,2026-03-0${round},S${round}-U-${u}`);
    return { csv: rows.join('\r\n'), perClaim };
  }

  async function upload(csv: string): Promise<number> {
    try {
      const res = await fetch(`${baseUrl}/api/settlements/import`, {
        method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'text/csv' }, body: csv, signal: AbortSignal.timeout(30_000),
      });
      await res.text();
      return res.status;
    } catch {
      return 0; // the answer itself broke off: as unknown to the caller as a failure
    }
  }

  /** Each claim's settled amount as stored, and the sum of the lines stored for it, by claim number. */
  async function settledAndLines(): Promise<Array<{ i: number; settled: number | null; lines: number }>> {
    const claims = await direct.getRepository(Claim).find({ order: { id: 'ASC' } });
    const sums = await direct.query('SELECT platformClaimId AS id, SUM(amountMinor) AS total FROM settlement WHERE platform = ? GROUP BY platformClaimId', ['appintf']) as Array<{ id: string; total: string }>;
    const lineSum = new Map(sums.map((s) => [s.id, Number(s.total)]));
    return claims.map((c, i) => ({ i, settled: c.settledAmountMinor, lines: lineSum.get(`R-${i}`) ?? 0 }));
  }

  /** The claims as stored keep the sum of their stored lines, whatever the import got to. */
  async function expectTotalsMatchLines() {
    for (const row of await settledAndLines()) expect(row).toEqual({ i: row.i, settled: row.lines === 0 ? null : row.lines, lines: row.lines });
  }

  // Where the connection is reset: at the first statement of the import (its first batch's look-ups);
  // on the first batch's INSERT of 500 lines (the server has it and runs it as the client vanishes);
  // once the first batch is committed, in the second.
  const CUTS: Array<{ name: string; arm: () => Promise<unknown> }> = [
    { name: 'at its first statement', arm: () => proxy.resetAfterNextQuery({ minBytes: 200, delayMs: 0 }) },
    { name: 'on the INSERT of a batch of lines, while the server runs it', arm: () => proxy.resetAfterNextQuery({ minBytes: 40_000, delayMs: 2 }) },
    {
      name: 'after the first batch was committed',
      arm: async () => {
        const before = await direct.getRepository(Settlement).count();
        for (let i = 0; i < 400 && (await direct.getRepository(Settlement).count()) < before + 500; i++) await new Promise((r) => setTimeout(r, 5));
        proxy.resetAll();
      },
    },
  ];

  it.each(CUTS.map((cut, n) => [cut.name, n + 1] as const))('keeps what committed, drops what did not, and stores the rest on a second import: reset %s', async (_name, round) => {
    const { csv, perClaim } = statement(round);
    const linesBefore = await direct.getRepository(Settlement).count();
    const settledBefore = (await settledAndLines()).map((r) => r.lines);

    const cut = CUTS[round - 1].arm();
    const first = await upload(csv);
    await cut;
    expect(first).not.toBe(200);
    await expectTotalsMatchLines();
    // What the failed import stored is whole batches: 0, 500 or all 700 lines of the file.
    const storedByFirst = (await direct.getRepository(Settlement).count()) - linesBefore;
    expect([0, 500, 700]).toContain(storedByFirst);
    const auditsBefore = await direct.getRepository(AuditLog).count({ where: { action: 'settlement.import' } });
    if (storedByFirst > 0) {
      // An import cut after storing some is audited as incomplete, with what it stored.
      const [last] = await direct.getRepository(AuditLog).find({ where: { action: 'settlement.import' }, order: { id: 'DESC' }, take: 1 });
      expect(JSON.parse(last.afterJson ?? '{}')).toMatchObject({ complete: false, stored: storedByFirst });
    }

    proxy.disarm();
    expect(await upload(csv)).toBe(200);
    expect((await direct.getRepository(Settlement).count()) - linesBefore).toBe(CLAIMS * LINES_PER_CLAIM + UNMATCHED);
    const after = await settledAndLines();
    expect(after.map((r) => r.settled)).toEqual(perClaim.map((fen, i) => settledBefore[i] + fen));
    await expectTotalsMatchLines();
    // The second import is audited as complete, with the lines it stored.
    const audits = await direct.getRepository(AuditLog).find({ where: { action: 'settlement.import' }, order: { id: 'ASC' } });
    expect(audits).toHaveLength(auditsBefore + 1);
    expect(JSON.parse(audits[audits.length - 1].afterJson ?? '{}')).toMatchObject({ complete: true, stored: CLAIMS * LINES_PER_CLAIM + UNMATCHED - storedByFirst });
  }, 60_000);
});
