/** The `platforms.duobaoyu` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface DuobaoyuConfig {
  /** The gateway, e.g. `https://openapi.duobaoyu.com.cn/open/api`; the system params go in its query. */
  baseUrl: string;
  appKey: string;
  /** Signs requests (see src/verify/duobaoyu-sign.ts). Never sent. */
  appSecret: string;
}
