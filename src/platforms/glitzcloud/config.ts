/** The `platforms.glitzcloud` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface GlitzcloudConfig {
  /** e.g. `https://ssl.glitzcloud.com/agent/v1`; the client posts to `${baseUrl}/orders/saleAfter/add`. */
  baseUrl: string;
  apikey: string;
  secretkey: string;
  /** `store_name`: the warehouse the claim is filed against. */
  storeName: string;
}
