/** The largest request body a finance route reads (a settlement statement): a chunked body reserves this much. */
export const FINANCE_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Default of `finance.maxInFlightBodyBytes`: two of the largest bodies at once. */
export const DEFAULT_FINANCE_IN_FLIGHT_BYTES = 2 * FINANCE_MAX_BODY_BYTES;
