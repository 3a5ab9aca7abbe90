import { z } from 'zod';
import { parseDuration } from './duration';
import { secret } from './values';
import { PLATFORM_NAMES, platformConfigShape } from '../platforms';
import { CALLBACK_MAX_BODY_BYTES, DEFAULT_CALLBACK_IN_FLIGHT_BYTES } from '../callbacks/limits';
import { DEFAULT_FINANCE_IN_FLIGHT_BYTES, FINANCE_MAX_BODY_BYTES } from '../api/body-limits';

/**
 * The JSON config (docs/http-contract.md). Every object is strict (an unknown key is an error: a typo must not be
 * ignored) and every key but `qimen.apps` has a default. A secret may be written as "env:NAME".
 */

const duration = z.string().refine((s) => parseDuration(s) !== null, 'must be a duration like "5s", "5m" or "2h"');
const oneOrMany = z.union([z.string(), z.array(z.string()).nonempty()]);

const qimen = z
  .object({
    apps: z.array(z.object({ appKey: z.string().min(1), secret }).strict()).nonempty(),
    timestampWindowSeconds: z.number().int().positive().default(600),
    /** Largest push body accepted (bytes); 999,999 package numbers take about 15–20 MB. */
    maxBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
    // Body bytes all /qimen requests may hold at once (src/http/body-budget.ts); at least one largest body.
    maxInFlightBodyBytes: z.number().int().positive().default(64 * 1024 * 1024),
  })
  .strict()
  .refine((q) => q.maxInFlightBodyBytes >= q.maxBodyBytes, {
    path: ['maxInFlightBodyBytes'],
    message: 'must be at least qimen.maxBodyBytes (else the largest push could never be read)',
  });

/** Each platform's block, as the platform registry gives it (src/platforms/index.ts); a platform may be absent. */
const platforms = z.object(platformConfigShape()).strict().default({});

const route = z
  .object({
    name: z.string().min(1),
    when: z
      .object({
        established: z.boolean().optional(),
        responsibilityParty: oneOrMany.optional(),
        bizType: oneOrMany.optional(),
        tenantId: oneOrMany.optional(),
        compensationType: oneOrMany.optional(),
      })
      .strict()
      .default({}),
    platform: z.enum(PLATFORM_NAMES),
    share: z.enum(['warehouseRatio', 'deliveryRatio']).optional(),
    fields: z.record(z.unknown()).default({}),
  })
  .strict();

const dispatch = z
  .object({
    retrySchedule: z.array(duration).nonempty().default(['5s', '5m', '30m', '2h', '5h', '10h', '10h']),
    requestTimeoutMs: z.number().int().positive().default(15_000),
    leaseSeconds: z.number().int().positive().default(60),
    /** Status polling (platforms without a push): first interval, doubled while nothing changes, up to the max. */
    pollInitial: duration.default('1m'),
    pollMax: duration.default('6h'),
  })
  .strict()
  .default({});

const finance = z
  .object({
    tokens: z.array(z.object({ name: z.string().min(1), token: secret, role: z.enum(['viewer', 'operator']) }).strict()).default([]),
    /** A claim still `submitted` after this many days is flagged `submitted-stale` (reconciliation). */
    submittedStaleDays: z.number().int().positive().default(7),
    /** An accepted or completed claim with nothing settled after this many days is flagged `unsettled-stale`. */
    unsettledStaleDays: z.number().int().positive().default(30),
    /** The largest statement POST /api/settlements/import takes (100,000 lines of CSV take about 6–10 MB); at most the finance API's largest body. */
    maxStatementBytes: z.number().int().positive().max(FINANCE_MAX_BODY_BYTES).default(FINANCE_MAX_BODY_BYTES),
    /** How old the figures of /api/reconciliation and /api/summary may be when answered (src/api/view-cache.ts); 0: read them on every request. */
    viewCacheSeconds: z.number().int().min(0).max(3600).default(10),
    // Body bytes all /api requests may hold at once (src/http/body-budget.ts); a body past it is server-busy.
    maxInFlightBodyBytes: z.number().int().positive().default(DEFAULT_FINANCE_IN_FLIGHT_BYTES),
  })
  .strict()
  .default({});

const callbacks = z
  .object({
    // Body bytes both callback routes may hold at once (src/http/body-budget.ts); at least one largest callback.
    maxInFlightBodyBytes: z
      .number()
      .int()
      .min(CALLBACK_MAX_BODY_BYTES, `must be at least ${CALLBACK_MAX_BODY_BYTES} (the largest callback body), else it could never be read`)
      .default(DEFAULT_CALLBACK_IN_FLIGHT_BYTES),
  })
  .strict()
  .default({});

/** Requests a second per key (fractions allowed: 0.5 is one every 2 s); a burst of one second's worth passes. */
const perSecond = z.number().positive().max(1_000_000);

/** Request rate limits (src/http/rate-limit.ts); each is off when absent. */
const rateLimits = z
  .object({
    qimen: z.object({ perAppKeyPerSecond: perSecond.optional(), perIpPerSecond: perSecond.optional() }).strict().optional(),
    /** Each callback route (/callbacks/shopex, /callbacks/duobaoyu) has its own buckets. */
    callbacks: z.object({ perIpPerSecond: perSecond.optional() }).strict().optional(),
    /** Most keys (IPs, app keys) remembered per limit; the least recently seen is dropped beyond it. */
    maxKeys: z.number().int().positive().max(10_000_000).default(10_000),
  })
  .strict()
  .default({});

export const configSchema = z
  .object({ qimen, platforms, routes: z.array(route).default([]), dispatch, callbacks, finance, rateLimits })
  .strict()
  .superRefine((config, ctx) => {
    config.routes.forEach((r, i) => {
      if (!config.platforms[r.platform]) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['routes', i, 'platform'], message: `names platform "${r.platform}", which is not configured` });
      }
    });
    const names = new Set<string>();
    config.routes.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['routes', i, 'name'], message: `duplicate route name "${r.name}"` });
      names.add(r.name);
    });
  });

export type Config = z.output<typeof configSchema>;
export type RouteConfig = Config['routes'][number];
