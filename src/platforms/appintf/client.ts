/**
 * Cross-border app client: submits a 赔付 request on an order (`submitRefund.jsp`), then finds its
 * refundId with `refundList.jsp`, since the submit answer carries none.
 *
 * Finding a claim's refund ({@link AppintfClient.lookupExisting}): the whole refund list is read, page by
 * page (bounded: `maxListPages`), for refunds of the claim's order that no other claim holds; each is read
 * with getRefund.jsp and taken only when it is provably the claim's own (ownership.ts: the cause type,
 * cause and proofs we sent). The list read to its end without one answers null ("absent"); a list longer
 * than the bound throws AppintfLookupError `list-bound` ("not known", never "absent").
 *
 * The app refuses a second submit for an order: 41 within 3 s of the last (请勿重复提交; refused, nothing
 * stored: retried as a fresh send) and 54 (不能修改赔付申请) once a refund exists. On 54 the claim's own
 * refund is looked for (it is there when an earlier attempt of ours got through unseen); found, the claim
 * holds it; absent, the 54 stands, saying that no refund of this claim was found.
 *
 * Status polling: {@link AppintfClient.getRefund} reads one refund's status (getRefund.jsp; the app has no
 * push). Cancel: {@link AppintfClient.cancelRefund} posts orderId + refundId to refundList.jsp, the URL
 * the spec lists for 取消赔付申请 (an oddity of the spec, followed as written: see request.ts).
 */
import { LAST_ERRORS } from '../../claims/claim-reasons';
import { type AppintfSigner, noopAppintfSigner } from '../../verify/appintf-sign';
import type { OutgoingClaim, SendOutcome, SendResult } from '../types';
import { FieldRuleError } from '../shared/field-rules';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import { type DuplicateAwareClient, type LookupContext, NOTHING_HELD } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { AppintfConfig } from './config';
import { notOwnRefundBecause, type AppintfSubmitted } from './ownership';
import { appintfIdParam, appintfSubmitParams, buildAppintfCancel, buildAppintfGetRefund, buildAppintfRefundList, buildAppintfSubmit } from './request';
import { type AppintfRefundDetail, interpretAppintfCancel, interpretAppintfSubmit, readAppintfRefundDetail, readAppintfRefundPage } from './response';

export interface AppintfClientOptions extends ClientOptions {
  /** The sign hook; the default signs nothing (the rule is not published). */
  signer?: AppintfSigner;
  /** refundList page size asked for, default 100 (the list ends at a page shorter than the longest seen). */
  listPageSize?: number;
  /** Pages read at most when looking for a refund, default 200: past it the look-up reports `list-bound`. */
  maxListPages?: number;
}

/** A refund lookup failed (network, session, unreadable answer): "not known", never "absent". */
export class AppintfLookupError extends Error {
  /**
   * @param code the failure's code: an appintf status (`-2`, `17`…), a transport code (`timeout`,
   *   `http_500`, `invalid_response`…) or `precheck:<field>` for an id that is not an integer
   * @param operation the endpoint that failed: `refundList` (default) or `getRefund`
   */
  constructor(readonly code: string, message: string, readonly operation: 'refundList' | 'getRefund' = 'refundList') {
    super(`${operation} failed (${code}): ${message}`);
    this.name = 'AppintfLookupError';
  }
}

/** The refund ids of one order in the list, newest first, and whether the list was read to its end. */
export interface AppintfOrderRefunds {
  refundIds: string[];
  complete: boolean;
  /** Pages read, and refunds listed on them (for the messages that say how far the look-up went). */
  pages: number;
  listed: number;
}

/** 不能修改赔付申请: the order already holds a refund. */
const APPINTF_REFUND_EXISTS = '54';

export class AppintfClient implements DuplicateAwareClient {
  readonly platform = 'appintf' as const;
  readonly hasLookup = true;
  private readonly http: PlatformHttp;
  private readonly signer: AppintfSigner;

  constructor(private readonly config: AppintfConfig, private readonly options: AppintfClientOptions = {}) {
    this.http = new PlatformHttp(options);
    this.signer = options.signer ?? noopAppintfSigner;
  }

  /**
   * Submits, then looks the refundId up (a failed lookup leaves platformClaimId null: found later by the
   * poll). A 54 (the order holds a refund already) is answered with the claim's own refund when the list
   * holds one (see the header).
   */
  async send(claim: OutgoingClaim, context: LookupContext = NOTHING_HELD): Promise<SendResult> {
    const result = await sendOnce(this.http, buildAppintfSubmit(claim, this.config, this.signer), interpretAppintfSubmit);
    if (result.outcome.kind === 'terminal' && result.outcome.code === APPINTF_REFUND_EXISTS) {
      return { ...result, outcome: await this.ownRefundAfter54(claim, context, result.outcome.message) };
    }
    if (result.outcome.kind !== 'submitted') return result;
    const refundId = await this.lookupExisting(claim, context).catch(() => null);
    return { ...result, outcome: { ...result.outcome, platformClaimId: refundId } };
  }

  /** The outcome of a 54: the claim's own refund when listed, else the 54 saying what was searched. */
  private async ownRefundAfter54(claim: OutgoingClaim, context: LookupContext, message: string): Promise<SendOutcome> {
    try {
      const own = await this.lookupExisting(claim, context);
      if (own !== null) return { kind: 'submitted', platformClaimId: own, platformStatus: null };
      const words = LAST_ERRORS.refundExistsNotOurs(APPINTF_REFUND_EXISTS, message);
      return { kind: 'terminal', code: words.code, message: words.message, rejected: true, words };
    } catch (error) {
      // Not known whether the order's refund is ours: tried again on the schedule, never taken as refused.
      const words = LAST_ERRORS.refundExistsUnknown(APPINTF_REFUND_EXISTS, message, (error as Error).message);
      return { kind: 'retryable', code: words.code, message: words.message, ambiguous: false, words };
    }
  }

  /**
   * The refundId of the claim's own refund (see the header), or null when the whole list holds none.
   * Throws AppintfLookupError when a read fails or the list is longer than `maxListPages`.
   */
  async lookupExisting(claim: OutgoingClaim, context: LookupContext = NOTHING_HELD): Promise<string | null> {
    let sent: AppintfSubmitted;
    try {
      sent = appintfSubmitParams(claim.fields);
    } catch {
      return null; // a claim that fails the submit's checks was never sent, so nothing was filed
    }
    const listed = await this.refundsOfOrder(sent.orderId);
    const held = await context.heldByOtherClaims(listed.refundIds);
    for (const refundId of listed.refundIds.filter((id) => !held.has(id))) {
      const detail = await this.getRefund(sent.orderId, refundId);
      if (notOwnRefundBecause(detail.filing, sent, claim.createdAt) === null) return refundId;
    }
    if (!listed.complete) {
      throw new AppintfLookupError('list-bound', `read ${listed.pages} pages (${listed.listed} refunds) without reaching the end of the list or finding this claim's refund`);
    }
    return null;
  }

  /**
   * Reads refundList.jsp page by page, newest first, and keeps the refunds of `orderId`. The list ends at a
   * page shorter than the longest one seen (so a platform that caps the page size is still read to its
   * end), or the read stops after `maxListPages` with `complete: false`.
   */
  async refundsOfOrder(orderId: number | string): Promise<AppintfOrderRefunds> {
    const pageSize = this.options.listPageSize ?? 100;
    const maxPages = this.options.maxListPages ?? 200;
    const wanted = String(orderId);
    const refundIds: string[] = [];
    let longest = 0;
    let listed = 0;
    for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
      const { reply } = await this.http.call(buildAppintfRefundList(this.config, this.signer, pageNo, pageSize));
      const page = readAppintfRefundPage(reply);
      if (!page.ok) throw new AppintfLookupError(page.outcome.code, page.outcome.message);
      listed += page.refunds.length;
      for (const r of page.refunds) if (r.orderId === wanted && !refundIds.includes(r.refundId)) refundIds.push(r.refundId);
      if (page.refunds.length === 0 || page.refunds.length < longest) return { refundIds, complete: true, pages: pageNo, listed };
      longest = Math.max(longest, page.refunds.length);
    }
    return { refundIds, complete: false, pages: maxPages, listed };
  }

  /**
   * One refund's status from getRefund.jsp (GET, session cookie). `refundStatus` is read from
   * `data.refund` (an object, or the first element of an array) or else `data.status` (see
   * response.ts, appintfRefundStatusOf); `raw` is the whole parsed answer. Throws AppintfLookupError on
   * any failure: a status ≠ 1 (17 for an unknown order), HTTP error, timeout, or an unreadable answer.
   */
  async getRefund(orderId: string | number, refundId: string): Promise<AppintfRefundDetail> {
    let asked: { orderId: string; refundId: string };
    try {
      asked = { orderId: appintfIdParam('orderId', orderId), refundId: appintfIdParam('refundId', refundId) };
    } catch (error) {
      if (error instanceof FieldRuleError) throw new AppintfLookupError(`precheck:${error.field}`, error.message, 'getRefund');
      throw error;
    }
    const { reply } = await this.http.call(buildAppintfGetRefund(this.config, this.signer, asked.orderId, asked.refundId));
    const read = readAppintfRefundDetail(reply, asked);
    if (!read.ok) throw new AppintfLookupError(read.outcome.code, read.outcome.message, 'getRefund');
    return read.detail;
  }

  /**
   * Cancels a refund: a form POST of orderId + refundId to refundList.jsp (the spec's URL for 取消赔付申请).
   * `submitted` (platformClaimId = refundId, platformStatus null: the answer carries no status) when the
   * app answers 1; otherwise the classified failure: 18 (the order state does not allow a cancel) and 17
   * are terminal rejections, -1 and transport faults retryable, a non-integer id a `precheck:` terminal
   * with nothing sent.
   */
  async cancelRefund(orderId: string | number, refundId: string): Promise<SendResult> {
    const result = await sendOnce(this.http, buildAppintfCancel(this.config, this.signer, orderId, refundId), interpretAppintfCancel);
    if (result.outcome.kind !== 'submitted') return result;
    return { ...result, outcome: { ...result.outcome, platformClaimId: appintfIdParam('refundId', refundId) } };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
