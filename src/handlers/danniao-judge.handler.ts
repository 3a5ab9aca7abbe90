import { keptTextOrNull } from '../domain/kept-text';
import { DanniaoJudgeDto } from '../dto/danniao-judge.dto';
import { withinBodyDepth } from '../dto/validate-dto';
import { canonicalHash, sha256Hex } from '../storage/canonical-json';
import { recordStore, secondsSince } from '../metrics';
import { knownJudgmentsFor } from '../storage/known-duplicates';
import { storedPackageNos } from '../storage/package-index';
import { type JudgmentToRecord, recordJudgment } from '../commands/record-judgment';
import { revisionColumns } from './danniao-judge.columns';
import type { RouteConfig } from '../config/schema';
import type { QimenHandler, QimenPush } from './qimen-handler';
import type { ReceivedPush } from '../storage/raw-push-store';
import { parseQimenTimestamp } from '../verify/qimen-timestamp';

export const DANNIAO_JUDGE_METHOD = 'qimen.alibaba.dchain.workorder.danniao.judge';

/**
 * Identity of a work order: (tenantId, externalOrderId) when either is present; otherwise the raw body,
 * so that only a byte-identical push finds the same work order (docs/http-contract.md, issue 2).
 */
export function identityKey(dto: Pick<DanniaoJudgeDto, 'tenantId' | 'externalOrderId'>, bodySha256: string): string {
  if (dto.tenantId !== undefined || dto.externalOrderId !== undefined) {
    return sha256Hex(JSON.stringify(['id', dto.tenantId ?? null, dto.externalOrderId ?? null]));
  }
  return sha256Hex(JSON.stringify(['body', bodySha256]));
}

/**
 * When Qimen pushed it: the query's `timestamp`, which the controller verified. A push without one (stored
 * by a path that kept no query) counts as pushed when it arrived.
 */
export function pushedAt(push: ReceivedPush): Date {
  const timestamp = parseQimenTimestamp(push.query.get('timestamp') ?? '');
  return timestamp === null ? push.receivedAt : new Date(timestamp);
}

/** What recordJudgment needs of a verified, validated push. */
export function judgmentToStore({ push, json, dto }: QimenPush<DanniaoJudgeDto>, routes: readonly RouteConfig[]): JudgmentToRecord {
  return {
    push,
    pushedAt: pushedAt(push),
    identityKey: identityKey(dto, push.bodySha256),
    tenantId: keptTextOrNull(dto.tenantId),
    externalOrderId: keptTextOrNull(dto.externalOrderId),
    // The judgment as parsed JSON, unknown fields included: key order and white space do not matter.
    contentHash: canonicalHash(json, push.body.length),
    columns: revisionColumns(dto),
    packageNos: storedPackageNos(dto.responsibilityPackageNos),
    judgment: json,
    routes,
  };
}

/** The identity of an unvalidated body, when its identity fields have the types validation requires (strings or absent). */
function rawIdentityKey(json: Record<string, unknown>, bodySha256: string): string | null {
  const { tenantId, externalOrderId } = json;
  const fits = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
  return fits(tenantId) && fits(externalOrderId) ? identityKey({ tenantId, externalOrderId }, bodySha256) : null;
}

export const danniaoJudgeHandler: QimenHandler<DanniaoJudgeDto> = {
  method: DANNIAO_JUDGE_METHOD,
  dto: DanniaoJudgeDto,
  async answerKnownDuplicate(push, json, { dataSource }) {
    const known = knownJudgmentsFor(dataSource);
    // Body bytes seen before: their identity is remembered, and they need not even be parsed.
    const identity = known.identityOf(push.bodySha256) ?? rawIdentityKey(json(), push.bodySha256);
    if (identity === null) return null;
    // A stored judgment passed validation, so a body nested deeper than it allows is no known duplicate (nor hashable safely).
    const contentHash = known.contentHashOf(identity, push.bodySha256, () => {
      const parsed = json();
      return withinBodyDepth(parsed) ? canonicalHash(parsed, push.body.length) : null;
    });
    if (contentHash === null) return null;
    const started = performance.now();
    const duplicate = await known.duplicateOf(identity, contentHash);
    if (!duplicate) return null;
    recordStore('duplicate', secondsSince(started));
    return { workOrderId: duplicate.workOrderId };
  },
  async handle(received, { dataSource, routes, packageIndexer }) {
    const input = judgmentToStore(received, routes);
    const started = performance.now();
    const stored = await recordJudgment(dataSource, input);
    // Only the latest revision is remembered: a push out of order or a replay is not what a re-push would duplicate.
    if (stored.outcome !== 'out-of-order' && stored.outcome !== 'replay') knownJudgmentsFor(dataSource).remember(input.identityKey, input.contentHash, input.push.bodySha256);
    recordStore(stored.outcome, secondsSince(started)); // claim_relay_push_store_duration_seconds: created/revised are the commit latency
    // Committed with a package_index_job row: the package rows are written after the answer.
    if (stored.deferredPackages) packageIndexer.start(stored.deferredPackages);
    return { workOrderId: stored.workOrderId };
  },
};
