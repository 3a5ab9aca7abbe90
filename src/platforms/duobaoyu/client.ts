import type { Clock } from '../../clock';
/**
 * Duobaoyu supply-chain client: creates an after-sale order for a sub-order (`dby.scm.aftersale.apply`).
 *
 * Duplicates after an ambiguous failure: our spec has no lookup by our id (the order-detail query needs
 * the afterSaleOrderId we did not get), so {@link DuobaoyuClient.lookupExisting} returns null and nothing
 * is guaranteed. Duobaoyu's after-sale rights (售后权益) per sub-order probably make a second apply for the
 * same orderItemId fail with a non-zero code rather than create a twin, but the spec does not say so.
 */
import type { DuobaoyuSecretStrategy } from '../../verify/duobaoyu-sign';
import type { OutgoingClaim, SendResult } from '../types';
import { type ClientOptions, PlatformHttp } from '../shared/http-call';
import type { DuplicateAwareClient } from '../shared/lookup';
import { sendOnce } from '../shared/send-once';
import type { DuobaoyuConfig } from './config';
import { buildDuobaoyuRequest } from './request';
import { interpretDuobaoyuReply } from './response';

export interface DuobaoyuClientOptions extends ClientOptions {
  /** How the secret joins the signed string; the default is the assumed `&appSecret=<secret>`. */
  appendSecret?: DuobaoyuSecretStrategy;
}

export class DuobaoyuClient implements DuplicateAwareClient {
  readonly platform = 'duobaoyu' as const;
  readonly hasLookup = false;
  private readonly http: PlatformHttp;
  private readonly now: Clock;

  constructor(private readonly config: DuobaoyuConfig, private readonly options: DuobaoyuClientOptions = {}) {
    this.http = new PlatformHttp(options);
    this.now = options.now ?? (() => new Date());
  }

  send(claim: OutgoingClaim): Promise<SendResult> {
    const built = buildDuobaoyuRequest(claim, this.config, this.now(), this.options.appendSecret);
    return sendOnce(this.http, built, interpretDuobaoyuReply);
  }

  /** No lookup by our id exists; see the header. */
  async lookupExisting(_claim: OutgoingClaim): Promise<string | null> {
    return null;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
