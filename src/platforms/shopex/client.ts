import type { Clock } from '../../clock';
/**
 * ShopEx matrix client: adds an after-sale application to a trade (`store.trade.aftersale.add`), async:
 * the answer is `running` + `msg_id` (returned as `asyncMessageId`), the application's id arrives later
 * on `callback_url` (POST /callbacks/shopex, verified with src/verify/shopex-sign.ts).
 *
 * Duplicates after an ambiguous failure: the matrix has no lookup we can call, so
 * {@link ShopexClient.lookupExisting} returns null. Every resend carries the same `aftersale_id` (our
 * claim id unless the route gives one), so a node that keys applications on it keeps one; whether the
 * node dedupes or rejects a repeated `aftersale_id` is not documented, so nothing is guaranteed. The
 * callbacks of both sends carry the same `aftersale_id`, which lets the callback handler spot a double.
 */
import type { OutgoingClaim, SendResult } from '../types';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import type { DuplicateAwareClient } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { ShopexConfig } from './config';
import { buildShopexRequest } from './request';
import { interpretShopexReply } from './response';

export class ShopexClient implements DuplicateAwareClient {
  readonly platform = 'shopex' as const;
  readonly hasLookup = false;
  private readonly http: PlatformHttp;
  private readonly now: Clock;

  constructor(private readonly config: ShopexConfig, options: ClientOptions = {}) {
    this.http = new PlatformHttp(options);
    this.now = options.now ?? (() => new Date());
  }

  send(claim: OutgoingClaim): Promise<SendResult> {
    return sendOnce(this.http, buildShopexRequest(claim, this.config, this.now()), interpretShopexReply);
  }

  /** The matrix offers no lookup; see the header. */
  async lookupExisting(_claim: OutgoingClaim): Promise<string | null> {
    return null;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
