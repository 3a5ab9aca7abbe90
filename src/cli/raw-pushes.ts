import { PackageIndexer } from '../storage/package-index';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DataSource, In } from 'typeorm';
import { AuditActor, recordAudit } from '../api/audit';
import type { Config } from '../config/schema';
import { readVerifiedPush, type ReadPush } from '../commands/accept-verified-push';
import { QimenError } from '../errors/qimen-errors';
import { JudgmentRevision, RawPush } from '../entities';
import { QIMEN_HANDLERS } from '../handlers';
import { readRawPushBody, receivedPushOf, storedRequestOf } from '../storage/raw-push-store';
import { CliIo, printTable, progress } from './output';
import { type Clock, systemClock } from '../clock';

/** One line of an export file: a raw push as received (no `sign`, no credentials), body in base64. */
interface ExportedPush {
  receivedAt: string;
  method: string;
  appKey: string;
  verification: string;
  query: Record<string, string>;
  headers: Record<string, string | string[]>;
  bodyBase64: string;
}

/** Writes every raw push of a work order, oldest first, as JSON Lines. */
export async function exportPushes(dataSource: DataSource, io: CliIo, workOrderId: number, file: string): Promise<number> {
  const revisions = await dataSource.getRepository(JudgmentRevision).find({ where: { workOrderId }, order: { revision: 'ASC' } });
  if (!revisions.length) throw new Error(`work order ${workOrderId} not found`);
  const pushes = await dataSource.getRepository(RawPush).findBy({ id: In(revisions.map((r) => r.rawPushId)) });
  const byId = new Map(pushes.map((p) => [p.id, p]));
  const out = createWriteStream(file);
  for (const rev of revisions) {
    const p = byId.get(rev.rawPushId)!;
    const line: ExportedPush = {
      receivedAt: p.receivedAt.toISOString(), method: p.method, appKey: p.appKey, verification: p.verification,
      ...storedRequestOf(p), bodyBase64: (await readRawPushBody(dataSource, p.id)).toString('base64'),
    };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  io.out.write(`exported ${revisions.length} push(es) of work order ${workOrderId} to ${file}\n`);
  return revisions.length;
}

/**
 * Feeds exported pushes through their Qimen handler again (validated as on arrival; the signature was
 * checked when they first arrived). Storing is idempotent: a push already stored changes nothing.
 */
export async function importPushes(dataSource: DataSource, io: CliIo, config: Config, file: string, actor: AuditActor, now: Clock = systemClock): Promise<Array<{ line: number; workOrderId: number | null; result: string }>> {
  const lines: ExportedPush[] = [];
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (text.trim()) lines.push(JSON.parse(text));
  const bar = progress(io, lines.length, 'importing');
  const results: Array<{ line: number; workOrderId: number | null; result: string }> = [];
  const packageIndexer = new PackageIndexer(dataSource);
  for (const [i, line] of lines.entries()) {
    const push = receivedPushOf(line, Buffer.from(line.bodyBase64, 'base64'));
    let read: ReadPush;
    try {
      read = readVerifiedPush(QIMEN_HANDLERS, push); // as on arrival: the same JSON reading and validation
    } catch (err) {
      if (!(err instanceof QimenError)) throw err;
      results.push({ line: i + 1, workOrderId: null, result: `refused, ${err.errorId}: ${err.message}` });
      continue;
    }
    const data = (await read.handler.handle({ push, json: read.json, dto: read.dto }, { dataSource, routes: config.routes, packageIndexer })) as { workOrderId: number };
    await recordAudit(dataSource.manager, { actor, action: 'pushes.import', target: { type: 'work_order', id: data.workOrderId }, before: null, after: { line: i + 1, receivedAt: line.receivedAt }, at: now() });
    results.push({ line: i + 1, workOrderId: data.workOrderId, result: 'stored (or already stored)' });
    bar.tick();
  }
  bar.stop();
  await packageIndexer.drain(); // big pushes' package rows, before the command exits
  printTable(io, ['line', 'work order', 'result'], results.map((r) => [r.line, r.workOrderId, r.result]));
  return results;
}
