/**
 * Cross-border app client: submits a 赔付 request on an order (`submitRefund.jsp`), then finds its
 * refundId with `refundList.jsp`, since the submit answer carries none.
 *
 * Duplicates after an ambiguous failure: {@link AppintfClient.lookupExisting} lists the account's refunds
 * and returns the refundId filed on the claim's orderId, so dispatch can adopt it instead of resending.
 * The app itself also refuses a second submit for the order: 41 within 3 s (retried, looked up first) and
 * 54 (不能修改赔付申请) once a refund exists. So a second refund on one order is not expected, but the
 * lookup cannot tell our refund from one someone else filed on the same order by hand.
 */
import { type AppintfSigner, noopAppintfSigner } from '../../verify/appintf-sign';
import type { OutgoingClaim, SendResult } from '../types';
import { integerField } from '../shared/field-rules';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import type { DuplicateAwareClient } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { AppintfConfig } from './config';
import { buildAppintfRefundList, buildAppintfSubmit } from './request';
import { interpretAppintfSubmit, readAppintfRefundPage } from './response';

export interface AppintfClientOptions extends ClientOptions {
  /** The sign hook; the default signs nothing (the rule is not published). */
  signer?: AppintfSigner;
  /** refundList page size, default 50. */
  listPageSize?: number;
  /** Pages read at most when looking for a refund, default 10. */
  maxListPages?: number;
}

/** The refund lookup failed (network, session, unreadable answer): "not known", never "absent". */
export class AppintfLookupError extends Error {
  constructor(readonly code: string, message: string) {
    super(`refundList failed (${code}): ${message}`);
    this.name = 'AppintfLookupError';
  }
}

/** Numeric order for decimal ids of any length (shorter is smaller), text order otherwise. */
function compareIds(a: string, b: string): number {
  return a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b) ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export class AppintfClient implements DuplicateAwareClient {
  readonly platform = 'appintf' as const;
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

  close(): Promise<void> {
    return this.http.close();
  }
}
