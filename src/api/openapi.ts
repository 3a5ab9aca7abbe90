import { CSV_COLUMNS } from './judgments-csv';
import { PLATFORMS } from './judgment-filter';
import { CLAIM_FLAGS, FLAG_MEANINGS, FLAGS } from '../domain/reconciliation';
import { CLAIM_STATUSES } from '../entities';

/**
 * The OpenAPI 3 document of the service's HTTP surface: the finance API, the web page, Qimen and the
 * platform callbacks. Served at GET /openapi.json; test/api/openapi.test.ts walks the app's routers and
 * holds this document and the registered routes to each other, both ways.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const nullable = (schema: object) => ({ ...schema, nullable: true });
const money = (description: string) => ({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '89.90', description });
const object = (properties: Record<string, unknown>, description?: string) => ({
  type: 'object', required: Object.keys(properties), properties, ...(description ? { description } : {}),
});
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { $ref: `#/components/responses/E${code}` }]));
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', required: false, schema, description });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description });

const FILTERS = [
  query('from', { type: 'string' }, 'received time ≥ this ISO 8601 date (UTC midnight) or time with zone'),
  query('to', { type: 'string' }, 'received time < this ISO time; a plain date includes its whole (UTC) day'),
  query('tenantId', { type: 'string', maxLength: 128 }, 'exact tenant id'),
  query('responsibilityParty', { type: 'string', maxLength: 64 }, 'exact responsibility party of the latest revision'),
  query('status', { type: 'string', enum: CLAIM_STATUSES }, 'has a claim in this status (the same claim as `platform` when both are given)'),
  query('platform', { type: 'string', enum: PLATFORMS }, 'has a claim on this platform'),
  query('q', { type: 'string', maxLength: 128 }, 'exact order (externalOrderId), logistics order, waybill or responsibility package number'),
  query('flag', { type: 'string', enum: FLAGS }, 'carries this reconciliation flag'),
];
const PAGING = [
  query('cursor', { type: 'string' }, 'nextCursor of the previous page'),
  query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'items per page'),
];

const claimProperties = {
  id: { type: 'integer' }, workOrderId: { type: 'integer' }, route: str('the route that filed it'), platform: { type: 'string', enum: PLATFORMS },
  status: { type: 'string', enum: CLAIM_STATUSES }, amount: nullable(money('claim amount')), acceptedAmount: nullable(money('the amount the platform reports it accepted, where it reports one')),
  currency: str(), platformClaimId: nullable(str("the platform's own id")), platformStatus: nullable(str("the platform's own status text")),
  attempts: { type: 'integer' }, lastError: nullable(str()), nextAttemptAt: nullable({ type: 'string', format: 'date-time' }), revision: { type: 'integer' },
  createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  flags: { type: 'array', items: { type: 'string', enum: FLAGS } },
};
const judgmentFields = {
  workOrderId: { type: 'integer' }, externalOrderId: nullable(str()), tenantId: nullable(str()), bizType: nullable(str()), responsibilityParty: nullable(str()),
  warehouseRatio: nullable(money('percent')), deliveryRatio: nullable(money('percent')), claimAmount: nullable(money('judged claim amount')),
  paymentAmount: nullable(money('payment amount')), currency: str(), receivedAt: { type: 'string', format: 'date-time', description: 'first push, UTC' },
  revision: { type: 'integer' }, flags: { type: 'array', items: { type: 'string', enum: FLAGS } },
};
const measures = {
  judgments: { type: 'integer' }, judgedClaimAmount: money('judgeResult.claimAmount of the latest revisions'), paidAmount: money('paymentInfo.paymentAmount'),
  claims: { type: 'integer' }, claimedAmount: money('claims the platforms took: submitted, accepted, rejected, completed'),
  acceptedAmount: money('accepted and completed claims (the accepted amount where reported)'), completedAmount: money('completed claims: recovered'),
};
const claimMeasures = {
  claims: { type: 'integer' }, amount: money('every claim'), claimedAmount: measures.claimedAmount, acceptedAmount: measures.acceptedAmount, completedAmount: measures.completedAmount,
};
const financeSecurity = [{ bearer: [] }];
const api = (summary: string, extra: Record<string, unknown>) => ({ summary, tags: ['finance'], security: financeSecurity, ...extra });

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'claim-relay',
    version: '0.1.0',
    description: 'Receives Qimen danniao.judge pushes, files claims on merchant platforms, and lets finance review them. Money is always a decimal string; times are ISO 8601 UTC.',
  },
  tags: [{ name: 'finance' }, { name: 'qimen' }, { name: 'callbacks' }, { name: 'service' }],
  paths: {
    '/healthz': { get: { summary: 'The process runs', tags: ['service'], responses: { 200: json(object({ status: str() })) } } },
    '/readyz': {
      get: {
        summary: 'The database answers and no migration is pending', tags: ['service'],
        responses: { 200: json(object({ status: str() })), 503: json(object({ status: str(), reason: str() }), 'not ready') },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics of this process (docs/operations.md: Metrics)', tags: ['service'],
        responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, 404: json(object({ error: str(), message: str() }), 'METRICS=off') },
      },
    },
    '/openapi.json': { get: { summary: 'This document', tags: ['service'], responses: { 200: json({ type: 'object' }) } } },
    '/qimen': {
      post: {
        summary: 'A Qimen push (danniao.judge), signed as docs/signing.md says', tags: ['qimen'],
        parameters: ['method', 'app_key', 'timestamp', 'sign_method', 'sign'].map((name) => ({ name, in: 'query', required: true, schema: { type: 'string' } })),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'the Danniao judgment' } } } },
        responses: {
          200: json(object({ error: str('"200" on success'), errorId: str(), errorMessage: str() }), 'the Qimen envelope, success or failure; success carries data.workOrderId'),
          500: json(object({ error: str(), errorId: { type: 'string', enum: ['internal-error'] }, errorMessage: str() }), 'internal error: push again'),
        },
      },
    },
    '/callbacks/shopex': {
      post: {
        summary: "ShopEx's async result, signed with the node token", tags: ['callbacks'],
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: object({ rsp: str(), res: str(), err_msg: str(), data: str('JSON text'), msg_id: str(), sign: str() }) } },
        },
        responses: {
          200: json(object({ rsp: { type: 'string', enum: ['succ', 'fail'] }, res: str('"" once stored; "4003" for a bad sign'), msg_id: str() }), '{"rsp":"succ","res":"","msg_id":"…"} once stored'),
        },
      },
    },
    '/callbacks/duobaoyu': {
      post: {
        summary: "Duobaoyu's status push", tags: ['callbacks'],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 200: { description: 'SUCCESS once stored, anything else to be pushed again', content: { 'text/plain': { schema: { type: 'string', enum: ['SUCCESS', 'FAIL'] } } } } },
      },
    },
    '/api/me': {
      get: api('Who the token belongs to', { responses: { 200: json(object({ name: str('the token\'s name in config'), role: { type: 'string', enum: ['viewer', 'operator'] } })), ...errors(401) } }),
    },
    '/api/judgments': {
      get: api('Judgments, newest first (received time, then id)', {
        parameters: [...FILTERS, ...PAGING],
        responses: { 200: json(object({ items: { type: 'array', items: ref('JudgmentItem') }, nextCursor: nullable(str()) })), ...errors(400, 401) },
      }),
    },
    '/api/judgments.csv': {
      get: api('The same filters as a streamed CSV (UTF-8 with BOM)', {
        parameters: FILTERS,
        responses: {
          200: { description: `columns: ${CSV_COLUMNS.join(', ')}`, content: { 'text/csv': { schema: { type: 'string' } } } },
          ...errors(400, 401),
        },
      }),
    },
    '/api/judgments/{workOrderId}': {
      get: api("A work order's whole story", {
        parameters: [path('workOrderId', 'our work order id')],
        responses: { 200: json(ref('JudgmentDetail')), ...errors(400, 401, 404) },
      }),
    },
    '/api/judgments/{workOrderId}/route-preview': {
      get: api('What the routes in force would file for the latest revision, and why, beside what was filed', {
        parameters: [path('workOrderId', 'our work order id')],
        responses: { 200: json(ref('RoutePreview')), ...errors(400, 401, 404) },
      }),
    },
    '/api/claims': {
      get: api('Claims in id order', {
        parameters: [
          query('workOrderId', { type: 'integer', minimum: 1 }, 'claims of this work order'), FILTERS[5], FILTERS[4],
          query('flag', { type: 'string', enum: CLAIM_FLAGS }, 'carries this claim flag'),
          ...PAGING,
        ],
        responses: { 200: json(object({ items: { type: 'array', items: ref('Claim') }, nextCursor: nullable(str()) })), ...errors(400, 401) },
      }),
    },
    '/api/claims/{id}/retry': {
      post: api('Operator: send a dead or rejected claim again (audited)', {
        parameters: [path('id', 'claim id')],
        responses: { 200: json(ref('Claim')), ...errors(400, 401, 403, 404, 409) },
      }),
    },
    '/api/claims/{id}/cancel': {
      post: api('Operator: cancel a pending, dead or rejected claim (audited)', {
        parameters: [path('id', 'claim id')],
        responses: { 200: json(ref('Claim')), ...errors(400, 401, 403, 404, 409) },
      }),
    },
    '/api/summary': {
      get: api('Totals per currency, by responsibility party, platform and claim status, and flag counts', {
        parameters: FILTERS,
        responses: { 200: json(ref('Summary')), ...errors(400, 401) },
      }),
    },
    '/api/summary/daily': {
      get: api("Amounts per day of received time in the viewer's time zone", {
        parameters: [...FILTERS, query('utcOffsetMinutes', { type: 'integer', minimum: -840, maximum: 840, default: 0 }, 'the viewer\'s offset from UTC (Beijing: 480)')],
        responses: { 200: json(ref('DailySummary')), ...errors(400, 401) },
      }),
    },
    '/finance': { get: { summary: 'Redirects to /finance/', tags: ['finance'], responses: { 301: { description: 'to /finance/' } } } },
    '/finance/': {
      get: {
        summary: 'The finance web page (signs in with a token, calls the API)', tags: ['finance'],
        responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/finance/assets/{file}': {
      get: {
        summary: "The page's script and style", tags: ['finance'],
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'the file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, 404: { description: 'no such file' } },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a finance.tokens token; role viewer (read) or operator (read, retry, cancel)' } },
    responses: {
      E400: json(ref('Error'), 'invalid-parameter: the message starts with the field'),
      E401: json(ref('Error'), 'unauthorized: no or an unknown bearer token'),
      E403: json(ref('Error'), 'forbidden: the role may not'),
      E404: json(ref('Error'), 'not-found'),
      E409: json(ref('Error'), 'conflict: the claim is not in a status the action allows'),
    },
    schemas: {
      Error: object({ error: str('a stable id'), message: str() }),
      Flag: { type: 'string', enum: FLAGS, description: Object.entries(FLAG_MEANINGS).map(([f, m]) => `${f}: ${m}`).join('; ') },
      Claim: object(claimProperties),
      JudgmentItem: object({ ...judgmentFields, claims: { type: 'array', items: ref('Claim') } }),
      JudgmentDetail: object({
        ...judgmentFields,
        revisions: { type: 'array', items: { type: 'object', description: "every revision's typed fields, oldest first, with rawPush (the push as received, secrets removed)" } },
        claims: { type: 'array', items: ref('ClaimDetail') },
      }),
      ClaimDetail: object({
        ...claimProperties,
        attempts: { type: 'array', items: { type: 'object' }, description: 'every send attempt: outcome, HTTP status, request and response (secrets removed), latency' },
        events: { type: 'array', items: { type: 'object' }, description: 'every status change: from, to, source, reason' },
        audit: { type: 'array', items: ref('AuditEntry'), description: 'operator actions on the claim: who, what, when, before and after' },
      }),
      AuditEntry: object({
        id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: str(), actorRole: str(), action: str('claim.retry, claim.cancel…'),
        targetType: str(), targetId: str(), before: nullable({ type: 'object' }), after: nullable({ type: 'object' }), requestId: nullable(str()),
      }),
      RoutePreview: object({
        workOrderId: { type: 'integer' }, revision: { type: 'integer' },
        routes: {
          type: 'array',
          items: object({
            route: str(), platform: str(), share: nullable(str()), when: { type: 'object' }, matched: { type: 'boolean' },
            reasons: { type: 'array', items: str(), description: 'one line per when key: wanted and got' },
            amount: nullable(money('computed claim amount')), currency: str(), fields: { type: 'object', description: 'resolved fields' },
            filed: nullable(object({ claimId: { type: 'integer' }, status: str(), revision: { type: 'integer' }, amount: nullable(money('filed amount')), currency: str(), fields: { type: 'object' } })),
            matchesFiled: nullable({ type: 'boolean' }),
          }),
        },
        filedWithoutRoute: { type: 'array', items: { type: 'object' } },
      }),
      Summary: object({
        currencies: {
          type: 'array',
          items: object({
            currency: str(), ...measures,
            flags: { type: 'object', additionalProperties: { type: 'integer' }, description: 'judgments carrying each flag' },
            byResponsibilityParty: { type: 'array', items: object({ responsibilityParty: nullable(str()), ...measures }) },
            byPlatform: { type: 'array', items: object({ platform: str(), ...claimMeasures }) },
            byStatus: { type: 'array', items: object({ status: str(), claims: { type: 'integer' }, amount: money('every claim in this status') }) },
          }),
        },
      }),
      DailySummary: object({
        utcOffsetMinutes: { type: 'integer' },
        currencies: { type: 'array', items: object({ currency: str(), days: { type: 'array', items: object({ day: { type: 'string', format: 'date' }, ...measures }) } }) },
      }),
    },
  },
} as const;
