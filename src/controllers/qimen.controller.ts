import { type Clock, systemClock } from '../clock';
import type { Context } from 'koa';
import type { Config } from '../config/schema';
import { acceptVerifiedPush } from '../commands/accept-verified-push';
import { QimenError, signCheckFailure } from '../errors/qimen-errors';
import type { QimenHandler, QimenHandlerDeps } from '../handlers/qimen-handler';
import { sha256Hex } from '../storage/canonical-json';
import { compactHeapBefore } from '../http/heap-compaction';
import { BodyBudget } from '../http/body-budget';
import { qimenAppKeyLimit } from '../http/rate-limit';
import type { ReceivedPush } from '../storage/raw-push-store';
import { parseQimenQuery, QIMEN_SIGN_METHODS, QimenSignMethod, qimenRequestSigner, signatureMatches } from '../verify/qimen-sign';
import { isWithinWindow, parseQimenTimestamp } from '../verify/qimen-timestamp';
import { KEPT_REFUSALS, keepRejectedPush } from '../rejected-pushes/rejected-push-store';
import { qimenSuccess, renderQimen } from './qimen-envelope';
import { readRawBody } from './read-raw-body';

export interface QimenControllerDeps extends QimenHandlerDeps {
  config: Config['qimen'];
  /** Per-app-key rate limit, taken after the signature verified (src/http/rate-limit.ts). */
  appKeyLimit?: ReturnType<typeof qimenAppKeyLimit>;
  handlers: ReadonlyMap<string, QimenHandler>;
  now?: Clock;
}

/**
 * POST /qimen: app key → timestamp → raw body → signature → (a big body: one full GC first) → method → (a known duplicate is answered here,
 * its body parsed only when its bytes are new) → JSON → DTO → handler.
 * Each check throws its QimenError; qimenEnvelope renders it.
 */
export function qimenController(deps: QimenControllerDeps) {
  const secrets = new Map(deps.config.apps.map((a) => [a.appKey, a.secret]));
  const now = deps.now ?? systemClock;
  const bodies = new BodyBudget({ maxBytes: deps.config.maxInFlightBodyBytes });
  const appKeyLimit = deps.appKeyLimit ?? (() => undefined);

  return async (ctx: Context) => {
    const receivedAt = now().getTime();
    const query = parseQimenQuery(ctx.querystring);

    const appKey = query.get('app_key') ?? '';
    const secret = secrets.get(appKey);
    if (!secret) throw new QimenError('invalid-app-key', appKey ? `unknown app_key ${appKey}` : 'app_key is required');

    const timestamp = parseQimenTimestamp(query.get('timestamp') ?? '');
    if (timestamp === null) throw new QimenError('invalid-timestamp', 'timestamp must be yyyy-MM-dd HH:mm:ss (GMT+8)');
    if (!isWithinWindow(timestamp, receivedAt, deps.config.timestampWindowSeconds)) {
      throw new QimenError('invalid-timestamp', `timestamp is more than ${deps.config.timestampWindowSeconds}s from server time`);
    }

    const signMethod = (query.get('sign_method') || 'md5').toLowerCase() as QimenSignMethod;
    if (!QIMEN_SIGN_METHODS.includes(signMethod)) throw new QimenError('invalid-parameter', 'sign_method must be md5, hmac or hmac-sha256');

    // The signature is computed as the body arrives; the body's bytes count against the in-flight budget
    // until the answer is sent. headersDistinct: a repeated header's first value, as the SDK's servlet
    // getHeader reads it. No signer: the SDK would throw on the request (a malformed % escape).
    const reservation = bodies.open();
    ctx.res.once('close', reservation.release);
    const signer = qimenRequestSigner({ signMethod, secret, query, headers: ctx.req.headersDistinct });
    const body = await readRawBody(ctx, { limit: deps.config.maxBodyBytes, reservation, onChunk: (chunk) => signer?.update(chunk) });
    const sign = query.get('sign') ?? '';
    if (!signer || !sign || !signatureMatches(signer, sign)) throw signCheckFailure();
    appKeyLimit(ctx, appKey);
    compactHeapBefore(body.length); // a big verified push reuses the heap earlier pushes left, rather than growing it

    const method = query.get('method') ?? '';
    const push: ReceivedPush = {
      receivedAt: new Date(receivedAt), method, appKey, signMethod, query, headers: ctx.headers, body, bodySha256: sha256Hex(body),
    };
    try {
      const data = await acceptVerifiedPush(deps.handlers, deps, push);
      renderQimen(ctx, qimenSuccess(data, now().getTime()));
    } catch (err) {
      // Verified but refused: kept before the refusal is answered (docs/http-contract.md "Rejected pushes").
      if (err instanceof QimenError && KEPT_REFUSALS.includes(err.errorId)) await keepRejectedPush(deps.dataSource, push, err);
      throw err;
    }
  };
}
