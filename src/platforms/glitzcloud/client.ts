/**
 * Glitzcloud overseas-warehouse client: files a 赔付 claim with `POST ${baseUrl}/orders/saleAfter/add`.
 *
 * Duplicates after an ambiguous failure (timeout, reset, 5xx, unreadable answer): Glitzcloud has no
 * lookup by our id, so {@link GlitzcloudClient.lookupExisting} returns null and dispatch simply resends.
 * What protects us is ASSUMED, not documented: that the warehouse dedupes on `connect_order_sn` (the
 * related outbound order, required for type 2) and answers the existing claim. A claim without
 * connect_order_sn has no protection at all: a resend after an ambiguous failure may file it twice.
 */
import type { OutgoingClaim, SendResult } from '../types';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import type { DuplicateAwareClient } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { GlitzcloudConfig } from './config';
import { buildGlitzcloudRequest } from './request';
import { interpretGlitzcloudReply } from './response';

export class GlitzcloudClient implements DuplicateAwareClient {
  readonly platform = 'glitzcloud' as const;
  readonly hasLookup = false;
  private readonly http: PlatformHttp;

  constructor(private readonly config: GlitzcloudConfig, options: ClientOptions = {}) {
    this.http = new PlatformHttp(options);
  }

  send(claim: OutgoingClaim): Promise<SendResult> {
    return sendOnce(this.http, buildGlitzcloudRequest(claim, this.config), interpretGlitzcloudReply);
  }

  /** No lookup exists; see the header for what guards against duplicates. */
  async lookupExisting(_claim: OutgoingClaim): Promise<string | null> {
    return null;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
