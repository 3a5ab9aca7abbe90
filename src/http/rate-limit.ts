import { type Clock, systemClock } from '../clock';
import type { Context, Middleware, Next } from 'koa';
import type { Config } from '../config/schema';
import { duobaoyuEdgeAnswer } from '../callbacks/duobaoyu-answers';
import { shopexEdgeAnswer } from '../callbacks/shopex-answers';
import type { CallbackPlatformName } from '../platforms';
import { type EdgeFailure, putAnswer } from './edge-failure';
import { QimenError } from '../errors/qimen-errors';

/**
 * Request rate limits (config `rateLimits`), off unless configured: per `app_key` and per client IP on
 * POST /qimen, per IP on each callback route. Answered in the caller's own envelope, before the body is
 * read, so a flood costs no body parsing, no signature check and no database work.
 *
 * One token bucket per key, in memory (per process: behind N processes the service-wide rate is N×):
 * it holds `perSecond` tokens (at least 1) and refills at `perSecond` a second, so a burst of up to
 * one second's worth passes at once. The map is bounded: past `maxKeys` the least recently used key is
 * dropped (its next request starts a full bucket). Hand-written rather than rate-limiter-flexible: its
 * memory store keeps a timer per key and has no bound on the number of keys; this is 40 lines.
 *
 * The per-IP limits are taken before the body is read, so a flood costs no body and no signature check.
 * The per-app-key limit counts only pushes whose signature verified. Qimen pushes a refused push again.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    private readonly maxKeys: number,
    private readonly now: Clock,
  ) {
    this.capacity = Math.max(1, perSecond);
  }

  /** Takes one token for `key`: 0 when allowed, else the milliseconds until a token is free. */
  take(key: string): number {
    const now = this.now().getTime();
    const seen = this.buckets.get(key);
    let tokens = this.capacity;
    if (seen) {
      this.buckets.delete(key); // re-inserted below: the map's order is least recently used first
      tokens = Math.min(this.capacity, seen.tokens + (Math.max(0, now - seen.at) / 1000) * this.perSecond);
    } else if (this.buckets.size >= this.maxKeys) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    const allowed = tokens >= 1;
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: now });
    // (the epsilon keeps float noise such as 1.0000000000000009 ms from rounding up a whole millisecond)
    return allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) / this.perSecond) * 1000 - 1e-6));
  }

  get size(): number {
    return this.buckets.size;
  }
}

interface Rule {
  /** The bucket key of this request, or null when the rule does not apply to it. */
  key: (ctx: Context) => string | null;
  buckets: TokenBuckets;
}

/** Takes a token of `key`; when there is none, sets Retry-After and marks the request rate-limited (false). */
function tookToken(ctx: Context, buckets: TokenBuckets, key: string | null): boolean {
  const waitMs = key === null ? 0 : buckets.take(key);
  if (waitMs === 0) return true;
  ctx.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  ctx.state.rateLimited = true;
  return false;
}

/**
 * A middleware that lets a request through while every rule has a token for it, else calls `reject`
 * (after setting Retry-After) instead of the rest of the route. No rules: a pass-through.
 */
export function rateLimit(rules: Rule[], reject: (ctx: Context) => void): Middleware {
  if (rules.length === 0) return (_ctx: Context, next: Next) => next();
  return async (ctx: Context, next: Next) => {
    for (const rule of rules) {
      if (!tookToken(ctx, rule.buckets, rule.key(ctx))) return reject(ctx);
    }
    await next();
  };
}

function perIp(perSecond: number | undefined, config: Config, now: Clock): Rule[] {
  return perSecond === undefined ? [] : [{ key: (ctx) => ctx.ip || 'unknown', buckets: new TokenBuckets(perSecond, config.rateLimits.maxKeys, now) }];
}

/**
 * POST /qimen, inside qimenEnvelope, before the body is read: `rateLimits.qimen.perIpPerSecond`. A refusal
 * is the envelope's `rate-limited` failure (error "429", HTTP 200), so Qimen pushes again.
 */
export function qimenRateLimit(config: Config, now: Clock = systemClock): Middleware {
  return rateLimit(perIp(config.rateLimits.qimen?.perIpPerSecond, config, now), rejectQimen);
}

/**
 * `rateLimits.qimen.perAppKeyPerSecond`, taken by the controller once a push's signature has verified: only
 * the app key's owner can use up its budget (a flood of badly signed pushes naming it costs it nothing).
 */
export function qimenAppKeyLimit(config: Config, now: Clock = systemClock): (ctx: Context, appKey: string) => void {
  const perSecond = config.rateLimits.qimen?.perAppKeyPerSecond;
  if (perSecond === undefined) return () => undefined;
  const buckets = new TokenBuckets(perSecond, config.rateLimits.maxKeys, now);
  return (ctx, appKey) => {
    if (!tookToken(ctx, buckets, appKey)) rejectQimen();
  };
}

function rejectQimen(): never {
  throw new QimenError('rate-limited', 'too many requests, please push again later');
}

/**
 * A callback route: `rateLimits.callbacks.perIpPerSecond`, buckets of its own. Refused with HTTP 429 and
 * the platform's failure answer (ShopEx `{"rsp":"fail","res":"429",…}`, Duobaoyu the text FAIL): both
 * platforms repeat a callback that was not acknowledged.
 */
export function callbackRateLimit(platform: CallbackPlatformName, config: Config, now: Clock = systemClock): Middleware {
  const refused: EdgeFailure = { id: 'rate-limited', status: 429, message: 'too many requests, please repeat later' };
  const answer = platform === 'shopex' ? shopexEdgeAnswer(refused) : duobaoyuEdgeAnswer(refused);
  return rateLimit(perIp(config.rateLimits.callbacks?.perIpPerSecond, config, now), (ctx) => putAnswer(ctx, answer));
}
