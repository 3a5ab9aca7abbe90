/** The `platforms.appintf` block of the service config (docs/http-contract.md), secrets already resolved. */
export interface AppintfConfig {
  /** The site root; the client calls `${baseUrl}/appIntf/refund/…`. */
  baseUrl: string;
  /** The `common_session_id` cookie of the logged-in account. */
  sessionId: string;
}
