/**
 * Cross-border app client: submits a 赔付 request on an order (`submitRefund.jsp`), then finds its
 * refundId with `refundList.jsp`, since the submit answer carries none.
 *
 * Duplicates after an ambiguous failure: {@link AppintfClient.lookupExisting} lists the account's refunds
 * and returns the refundId filed on the claim's orderId, so dispatch can adopt it instead of resending.
 * The app itself also refuses a second submit for the order: 41 within 3 s (retried, looked up first) and
 * 54 (不能修改赔付申请) once a refund exists. So a second refund on one order is not expected, but the
 * lookup cannot tell our refund from one someone else filed on the same order by hand.
 *
 * Status polling: {@link AppintfClient.getRefund} reads one refund's status (getRefund.jsp; the app has no
 * push). Cancel: {@link AppintfClient.cancelRefund} posts orderId + refundId to refundList.jsp, the URL
 * the spec lists for 取消赔付申请 (an oddity of the spec, followed as written: see request.ts).
 */
import { type AppintfSigner, noopAppintfSigner } from '../../verify/appintf-sign';
import type { OutgoingClaim, SendResult } from '../types';
import { FieldRuleError, integerField } from '../shared/field-rules';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import type { DuplicateAwareClient } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { AppintfConfig } from './config';
import { appintfIdParam, buildAppintfCancel, buildAppintfGetRefund, buildAppintfRefundList, buildAppintfSubmit } from './request';
import { interpretAppintfCancel, interpretAppintfSubmit, readAppintfRefundDetail, readAppintfRefundPage } from './response';

export interface AppintfClientOptions extends ClientOptions {
  /** The sign hook; the default signs nothing (the rule is not published). */
  signer?: AppintfSigner;
  /** refundList page size, default 50. */
  listPageSize?: number;
  /** Pages read at most when looking for a refund, default 10. */
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

/** Numeric order for decimal ids of any length (shorter is smaller), text order otherwise. */
function compareIds(a: string, b: string): number {
  return a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b) ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export class AppintfClient implements DuplicateAwareClient {
  readonly platform = 'appintf' as const;
  readonly hasLookup = true;
  private readonly http: PlatformHttp;
  private readonly signer: AppintfSigner;

  constructor(private readonly config: AppintfConfig, private readonly options: AppintfClientOptions = {}) {
    this.http = new PlatformHttp(options);
    this.signer = options.signer ?? noopAppintfSigner;
  }

  /** Submits, then looks the refundId up; a failed lookup leaves platformClaimId null (found later). */
  async send(claim: OutgoingClaim): Promise<SendResult> {
    const result = await sendOnce(this.http, buildAppintfSubmit(claim, this.config, this.signer), interpretAppintfSubmit);
    if (result.outcome.kind !== 'submitted') return result;
    const refundId = await this.lookupExisting(claim).catch(() => null);
    return { ...result, outcome: { ...result.outcome, platformClaimId: refundId } };
  }

  /** The refundId filed on the claim's `orderId`, or null when none is listed. Throws AppintfLookupError. */
  async lookupExisting(claim: OutgoingClaim): Promise<string | null> {
    let orderId: number | undefined;
    try {
      orderId = integerField(claim.fields, 'orderId');
    } catch {
      return null; // an invalid orderId never passed the submit's checks, so nothing was filed
    }
    return orderId === undefined ? null : this.findRefund(orderId);
  }

  /**
   * Reads refundList.jsp page by page and returns the refundId for `orderId` (the highest, when the order
   * has several), or null. Stops at a short page or after `maxListPages`.
   */
  async findRefund(orderId: number | string): Promise<string | null> {
    const pageSize = this.options.listPageSize ?? 50;
    const maxPages = this.options.maxListPages ?? 10;
    const wanted = String(orderId);
    const found: string[] = [];
    for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
      const { reply } = await this.http.call(buildAppintfRefundList(this.config, this.signer, pageNo, pageSize));
      const page = readAppintfRefundPage(reply);
      if (!page.ok) throw new AppintfLookupError(page.outcome.code, page.outcome.message);
      found.push(...page.refunds.filter((r) => r.orderId === wanted).map((r) => r.refundId));
      if (page.refunds.length < pageSize) break;
    }
    return found.length === 0 ? null : found.reduce((a, b) => (compareIds(b, a) > 0 ? b : a));
  }

  /**
   * One refund's status from getRefund.jsp (GET, session cookie). `refundStatus` is read from
   * `data.refund` (an object, or the first element of an array) or else `data.status` (see
   * response.ts, appintfRefundStatusOf); `raw` is the whole parsed answer. Throws AppintfLookupError on
   * any failure: a status ≠ 1 (17 for an unknown order), HTTP error, timeout, or an unreadable answer.
   */
  async getRefund(orderId: string | number, refundId: string): Promise<{ refundStatus: string; refundNo: string | null; raw: unknown }> {
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
