/** The largest callback body read, on either callback route (a ShopEx result or a Duobaoyu push is a few KB). */
export const CALLBACK_MAX_BODY_BYTES = 1024 * 1024;

/** Default of `callbacks.maxInFlightBodyBytes`: sixteen of the largest callbacks at once. */
export const DEFAULT_CALLBACK_IN_FLIGHT_BYTES = 16 * CALLBACK_MAX_BODY_BYTES;
