import { z } from 'zod';
import { parseDuration } from './duration';
import { PLATFORM_NAMES } from '../platforms/types';

/**
 * The JSON config (docs/http-contract.md). Every object is strict (an unknown key is an error: a typo must not be
 * ignored) and every key but `qimen.apps` has a default. A secret may be written as "env:NAME".
 */

/** A secret value, or "env:NAME" read from the environment at start. */
const secret = z.string().min(1).transform((value, ctx) => {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const fromEnv = process.env[name];
  if (fromEnv === undefined || fromEnv === '') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `environment variable ${name} is not set` });
    return z.NEVER;
  }
  return fromEnv;
});

const url = z.string().url();
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

const platforms = z
  .object({
    glitzcloud: z.object({ baseUrl: url, apikey: secret, secretkey: secret, storeName: z.string().min(1) }).strict().optional(),
    shopex: z
      .object({
        baseUrl: url, certiId: z.string().min(1), fromNodeId: z.string().min(1), toNodeId: z.string().min(1),
        token: secret, callbackUrl: url,
      })
      .strict()
      .optional(),
    duobaoyu: z.object({ baseUrl: url, appKey: z.string().min(1), appSecret: secret }).strict().optional(),
    appintf: z.object({ baseUrl: url, sessionId: secret }).strict().optional(),
  })
  .strict()
  .default({});

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
    /** The largest statement POST /api/settlements/import takes (100,000 lines of CSV take about 10 MB). */
    maxStatementBytes: z.number().int().positive().default(64 * 1024 * 1024),
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
  .object({ qimen, platforms, routes: z.array(route).default([]), dispatch, finance, rateLimits })
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
