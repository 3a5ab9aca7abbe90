import { CLAIM_SHEET, JUDGMENT_SHEET, SETTLEMENT_SHEET } from './export-sheets';
import { csvHeader } from './judgments-csv';
import { SheetColumn, sheetHeader, XLSX_CONTENT_TYPE } from './xlsx-pieces';
import { PLATFORMS } from './judgment-filter';
import { STATEMENT_TYPES } from './statement-reader';
import { LINE_NOTE_IDS, STATEMENT_COLUMNS } from '../domain/settlement-line';
import { CLAIM_FLAGS, FLAG_MEANINGS, FLAGS } from '../domain/reconciliation';
import { CLAIM_REASON_IDS, LAST_ERROR_IDS } from '../claims/claim-reasons';
import { CLAIM_STATUSES } from '../entities';
import { QIMEN_ERRORS, QimenErrorId } from '../errors/qimen-errors';
import { FIELD_PROBLEM_IDS } from '../dto/field-problems';

/**
 * The OpenAPI 3 document of the service's HTTP surface: the finance API, the web page, Qimen and the
 * platform callbacks, every answer each route gives included. Served at GET /openapi.json.
 * test/api/openapi.test.ts holds it to the registered routes (both ways) and validates real answers of
 * every operation against it; test/api/openapi-lint.test.ts holds it to Redocly's recommended ruleset.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const oneString = (value: string, description?: string) => ({ type: 'string', enum: [value], ...(description ? { description } : {}) });
const nullable = (schema: object) => ({ ...schema, nullable: true });
const money = (description: string) => ({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '89.90', description });
const time = (description?: string) => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
const object = (properties: Record<string, unknown>, description?: string) => ({
  type: 'object', required: Object.keys(properties), properties, ...(description ? { description } : {}),
});
/** An object whose listed properties are always there and which may carry more (a stored row's columns). */
const openObject = (properties: Record<string, unknown>, description: string) => ({ ...object(properties, description), additionalProperties: true });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const text = (schema: object, description: string) => ({ description, content: { 'text/plain': { schema } } });
const responses = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name.replace(/^E/, ''), { $ref: `#/components/responses/${name}` }]));
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', required: false, schema, description });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description });

/** The bearer token of `finance.tokens`: every /api operation needs one. */
const financeSecurity = [{ bearer: [] }];
/** Signed (Qimen, the callbacks) or public: no HTTP authentication scheme applies. */
const noSecurity: never[] = [];

/**
 * An operation: its id, summary and tag, and its answers plus 431, which the HTTP server gives any route
 * whose request headers exceed Node's limit (src/http/server.ts).
 */
const operation = (operationId: string, tag: string, summary: string, security: unknown[], extra: { responses: Record<string, unknown> } & Record<string, unknown>) => ({
  operationId, summary, tags: [tag], security, ...extra, responses: { ...responses('E431'), ...extra.responses },
});
const api = (operationId: string, summary: string, extra: { responses: Record<string, unknown> } & Record<string, unknown>) =>
  operation(operationId, 'finance', summary, financeSecurity, extra);

const rawPushProperties = {
  receivedAt: time(), method: str(), appKey: str(), verification: str(), query: { type: 'object', additionalProperties: true, description: 'the query without sign' },
  headers: { type: 'object', additionalProperties: true, description: 'the headers without credentials' }, bodyBytes: { type: 'integer' }, body: str('the push as received'),
};
const rejectedPushProperties = {
  id: { type: 'integer' }, receivedAt: time('first received'), lastReceivedAt: time(), attempts: { type: 'integer', minimum: 1, description: 'times this body was received' },
  method: str(), appKey: str(), errorId: { type: 'string', enum: Object.keys(QIMEN_ERRORS) }, message: str('why it was refused (English)'), bodyBytes: { type: 'integer' },
  field: nullable(str("for a refused field: its path ('' for the whole body)")),
  problemId: nullable({ type: 'string', enum: [...FIELD_PROBLEM_IDS], description: "the field's problem as a stable id to word in any language" }),
  problemParams: nullable({ type: 'object', additionalProperties: true, description: 'the values problemId is worded with (max, other, index)' }),
  acceptedAt: nullable(time('when `claim-relay revalidate-rejected` accepted it after an upgrade')),
  workOrderId: nullable({ type: 'integer', description: 'the work order it was stored as, once accepted' }),
};

const FILTERS = [
  query('from', { type: 'string' }, 'received time ≥ this ISO 8601 date (UTC midnight) or time with zone'),
  query('to', { type: 'string' }, 'received time < this ISO time; a plain date includes its whole (UTC) day'),
  query('tenantId', { type: 'string', maxLength: 128 }, 'exact tenant id'),
  query('responsibilityParty', { type: 'string', maxLength: 64 }, 'exact responsibility party of the latest revision'),
  query('currency', { type: 'string', pattern: '^[A-Za-z]{3}$' }, 'the latest revision\'s currency (ISO 4217)'),
  query('status', { type: 'string', enum: CLAIM_STATUSES }, 'has a claim in this status (the same claim as `platform` when both are given)'),
  query('platform', { type: 'string', enum: PLATFORMS }, 'has a claim on this platform'),
  query('q', { type: 'string', maxLength: 128 }, 'exact order (externalOrderId), logistics order, waybill or responsibility package number'),
  query('flag', { type: 'string', enum: FLAGS }, 'carries this reconciliation flag'),
];
const CLAIM_FILTERS = [
  query('workOrderId', { type: 'integer', minimum: 1 }, 'claims of this work order'), FILTERS[5], FILTERS[4],
  query('flag', { type: 'string', enum: CLAIM_FLAGS }, 'carries this claim flag'),
];
const SETTLEMENT_FILTERS = [
  FILTERS[5],
  query('from', { type: 'string' }, 'settled time ≥ this ISO 8601 date (UTC midnight) or time with zone'),
  query('to', { type: 'string' }, 'settled time < this ISO time; a plain date includes its whole (UTC) day'),
  query('unmatched', { type: 'string', enum: ['0', '1'] }, '1: only lines no claim holds; 0: only lines a claim holds'),
];
/** The exports' time zone (src/api/export-time.ts). */
const TZ = query(
  'tz', { type: 'string', default: 'UTC', example: 'Asia/Shanghai' },
  'IANA time zone the file\'s times are written in, named in each time column\'s header (`receivedAt (Asia/Shanghai)`); an unknown zone is refused',
);
/** An XLSX export's answer: one sheet, a header row, typed cells. */
const xlsxFile = (columns: readonly SheetColumn[]) => ({
  description: `one sheet; header row (times shown for tz=UTC): ${columns.map((c) => sheetHeader(c, 'UTC')).join(', ')}. `
    + 'Amounts are number cells in currency units formatted with the currency\'s minor units, times date cells in the zone `tz`.',
  content: { [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } },
});
const PAGING = [
  query('cursor', { type: 'string' }, 'nextCursor of the previous page'),
  query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'items per page'),
];

const flags = { type: 'array', items: ref('Flag') };
const claimProperties = {
  id: { type: 'integer' }, workOrderId: { type: 'integer' }, route: str('the route that filed it'), platform: { type: 'string', enum: PLATFORMS },
  status: { type: 'string', enum: CLAIM_STATUSES }, amount: nullable(money('claim amount')), acceptedAmount: nullable(money('the amount the platform reports it accepted, where it reports one')),
  currency: str(), platformClaimId: nullable(str("the platform's own id")), platformStatus: nullable(str("the platform's own status text")),
  attempts: { type: 'integer' }, lastError: nullable(str('the last failure in English, or the platform\'s own code and words (`code: message`)')),
  lastErrorId: nullable({ type: 'string', enum: [...LAST_ERROR_IDS, null], description: 'what kind of failure lastError is (src/claims/claim-reasons.ts; `platform-error`: the platform\'s own words); null with lastError and on errors stored before ids' }),
  lastErrorParams: nullable({ type: 'object', additionalProperties: true, description: 'the values lastErrorId is worded with; text a platform wrote is as it wrote it' }),
  nextAttemptAt: nullable(time()), revision: { type: 'integer' },
  createdAt: time(), updatedAt: time(),
  settledAmount: nullable(money('the sum of the statement lines that settle the claim (same platform, platformClaimId and currency)')),
  settledAt: nullable(time('the latest settled time of those lines')), flags,
};
const judgmentFields = {
  workOrderId: { type: 'integer' }, externalOrderId: nullable(str()), tenantId: nullable(str()), bizType: nullable(str()), responsibilityParty: nullable(str()),
  warehouseRatio: nullable(money('percent')), deliveryRatio: nullable(money('percent')), claimAmount: nullable(money('judged claim amount')),
  paymentAmount: nullable(money('payment amount')), currency: str(), receivedAt: time('first push, UTC'),
  revision: { type: 'integer' }, flags,
};
const measures = {
  judgments: { type: 'integer' }, judgedClaimAmount: money('judgeResult.claimAmount of the latest revisions'), paidAmount: money('paymentInfo.paymentAmount'),
  claims: { type: 'integer' }, claimedAmount: money('claims the platforms took: submitted, accepted, rejected, completed'),
  acceptedAmount: money('accepted and completed claims (the accepted amount where reported)'), completedAmount: money('completed claims: recovered'),
};
const claimMeasures = {
  claims: { type: 'integer' }, amount: money('every claim'), claimedAmount: measures.claimedAmount, acceptedAmount: measures.acceptedAmount, completedAmount: measures.completedAmount,
  settledAmount: money("what the platform's statement lines settle of these claims"),
  outstandingAmount: money('acceptedAmount less what the statement lines settle of the accepted and completed claims'),
};

/** A finance API error: `{"error": id, "message": …}` with one of the given ids; `field` names a refused parameter. */
const apiError = (description: string, ...ids: string[]) => {
  const schema = object({ error: { type: 'string', enum: ids }, message: str() });
  return json({ ...schema, properties: { ...schema.properties, field: str('the refused parameter (invalid-parameter)') } }, description);
};

/** The Qimen envelope's failure with one of the given errorIds (src/errors/qimen-errors.ts). */
const qimenFailure = (ids: QimenErrorId[]) =>
  object({ errorMessage: str(), errorId: { type: 'string', enum: ids }, error: { type: 'string', enum: [...new Set(ids.map((id) => QIMEN_ERRORS[id].code))] } });
const qimenIdsAnsweredWith = (httpStatus: number) => (Object.keys(QIMEN_ERRORS) as QimenErrorId[]).filter((id) => QIMEN_ERRORS[id].httpStatus === httpStatus);

/** ShopEx's answer envelope, failure with the given `res` codes. */
const shopexFailure = (res: string, description: string) => object({ rsp: oneString('fail'), res: oneString(res, description), err_msg: str(), msg_id: str('the callback\'s msg_id, "" when not read') });
/** Duobaoyu's failure answer: anything but SUCCESS makes it push again; we answer FAIL. */
const duobaoyuFail = (description: string) => text({ type: 'string', enum: ['FAIL'] }, description);

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'claim-relay',
    version: '0.1.0',
    description: 'Receives Qimen danniao.judge pushes, files claims on merchant platforms, and lets finance review them. Money is always a decimal string; times are ISO 8601 UTC.',
    license: { name: 'UNLICENSED (proprietary: no licence is granted)', url: 'https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license' },
  },
  servers: [{ url: '/', description: 'this service: the origin that serves this document' }],
  tags: [
    { name: 'finance', description: 'The finance API (bearer token) and the finance web page' },
    { name: 'qimen', description: "Qimen's danniao.judge pushes, signed with the app secret" },
    { name: 'callbacks', description: "The claim platforms' status callbacks, each signed as its platform does" },
    { name: 'service', description: 'Health, readiness, metrics and this document' },
  ],
  paths: {
    '/healthz': { get: operation('getHealth', 'service', 'The process runs', noSecurity, { responses: { 200: json(object({ status: oneString('ok') })) } }) },
    '/readyz': {
      get: operation('getReadiness', 'service', 'The database answers and no migration is pending', noSecurity, {
        responses: { 200: json(object({ status: oneString('ready') })), 503: json(object({ status: oneString('unavailable'), reason: str() }), 'not ready') },
      }),
    },
    '/metrics': {
      get: operation('getMetrics', 'service', 'Prometheus metrics of this process (docs/operations.md: Metrics)', noSecurity, {
        responses: { 200: text({ type: 'string' }, 'Prometheus text format'), 404: apiError('METRICS=off', 'not-found') },
      }),
    },
    '/openapi.json': {
      get: operation('getOpenApiDocument', 'service', 'This document', noSecurity, { responses: { 200: json({ type: 'object', additionalProperties: true }, 'this OpenAPI document') } }),
    },
    '/qimen': {
      post: operation('pushQimen', 'qimen', 'A Qimen push (danniao.judge), signed as docs/signing.md says (sign_method md5, hmac or hmac-sha256)', noSecurity, {
        parameters: ['method', 'app_key', 'timestamp', 'sign_method', 'sign'].map((name) => ({ name, in: 'query', required: true, schema: { type: 'string' } })),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'the Danniao judgment' } } } },
        responses: {
          200: {
            description: 'the Qimen envelope: success (data.workOrderId) once stored, or a failure to push again or to fix (error "413": body-too-large, "429": rate-limited); with format=xml, Qimen\'s XML envelope of the same fields',
            content: {
              'application/json': { schema: { oneOf: [ref('QimenSuccess'), qimenFailure(qimenIdsAnsweredWith(200))] } },
              'application/xml': { schema: { type: 'string', description: '<response><flag>success|failure</flag><code>…</code><message>…</message><errorId>…</errorId>[<data><workOrderId>…</workOrderId></data>]</response>' } },
            },
          },
          431: json(qimenFailure(['invalid-parameter']), 'request headers (or the URL) over the HTTP server\'s limit (16 KiB)'),
          503: json(qimenFailure(['server-busy']), 'the bodies being read would pass qimen.maxInFlightBodyBytes: push again'),
          408: json(qimenFailure(['request-timeout']), 'the request did not arrive within the request timeout: push again'),
          500: json(qimenFailure(['internal-error']), 'internal error: push again'),
        },
      }),
    },
    '/callbacks/shopex': {
      post: operation('callbackShopex', 'callbacks', "ShopEx's async result, signed with the node token", noSecurity, {
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: object({ rsp: str(), res: str(), err_msg: str(), data: str('JSON text'), msg_id: str(), sign: str() }) } },
        },
        responses: {
          200: json(
            { oneOf: [object({ rsp: oneString('succ'), res: oneString(''), msg_id: str() }), shopexFailure('4003', 'bad sign: nothing stored')] },
            '{"rsp":"succ","res":"","msg_id":"…"} once stored; a bad sign answers 4003 and changes nothing',
          ),
          408: json(shopexFailure('408', 'the request did not arrive in time'), 'the request did not arrive within the request timeout: ShopEx repeats it'),
          431: json(shopexFailure('431', 'request headers too large'), 'request headers (or the URL) over the HTTP server\'s limit (16 KiB)'),
          429: json(shopexFailure('429', 'too many requests'), 'over rateLimits.callbacks.perIpPerSecond: ShopEx repeats it'),
          500: json(shopexFailure('e00090', 'not stored'), 'the callback could not be stored: ShopEx repeats it'),
          503: json(shopexFailure('e00090', 'too many callback bodies in flight'), 'the bodies being read would pass callbacks.maxInFlightBodyBytes: ShopEx repeats it'),
        },
      }),
    },
    '/callbacks/duobaoyu': {
      post: operation('callbackDuobaoyu', 'callbacks', "Duobaoyu's status push", noSecurity, {
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: text({ type: 'string', enum: ['SUCCESS', 'FAIL'] }, 'SUCCESS once stored; FAIL (a bad sign or an unreadable push, nothing stored) to be pushed again'),
          408: duobaoyuFail('the request did not arrive within the request timeout: Duobaoyu pushes again'),
          431: duobaoyuFail('request headers (or the URL) over the HTTP server\'s limit (16 KiB)'),
          429: duobaoyuFail('over rateLimits.callbacks.perIpPerSecond: Duobaoyu pushes again'),
          500: duobaoyuFail('the push could not be stored: Duobaoyu pushes again'),
          503: duobaoyuFail('the bodies being read would pass callbacks.maxInFlightBodyBytes: Duobaoyu pushes again'),
        },
      }),
    },
    '/api/me': {
      get: api('getMe', 'Who the token belongs to', { responses: { 200: json(object({ name: str('the token\'s name in config'), role: { type: 'string', enum: ['viewer', 'operator'] } })), ...responses('E401') } }),
    },
    '/api/judgments': {
      get: api('listJudgments', 'Judgments, newest first (received time, then id)', {
        parameters: [...FILTERS, ...PAGING],
        responses: { 200: json(object({ items: { type: 'array', items: ref('JudgmentItem') }, nextCursor: nullable(str()) })), ...responses('E400', 'E401') },
      }),
    },
    '/api/judgments.csv': {
      get: api('exportJudgmentsCsv', 'The same filters as a streamed CSV (UTF-8 with BOM)', {
        parameters: [...FILTERS, TZ],
        responses: {
          200: { description: `columns (times shown for tz=UTC): ${csvHeader('UTC').join(', ')}`, content: { 'text/csv': { schema: { type: 'string' } } } },
          ...responses('E400', 'E401'),
        },
      }),
    },
    '/api/judgments.xlsx': {
      get: api('exportJudgmentsXlsx', 'The same filters as a streamed XLSX workbook', {
        parameters: [...FILTERS, TZ],
        responses: { 200: xlsxFile(JUDGMENT_SHEET), ...responses('E400', 'E401') },
      }),
    },
    '/api/judgments/{workOrderId}': {
      get: api('getJudgment', "A work order's whole story", {
        parameters: [path('workOrderId', 'our work order id')],
        responses: { 200: json(ref('JudgmentDetail')), ...responses('E400', 'E401', 'E404') },
      }),
    },
    '/api/judgments/{workOrderId}/route-preview': {
      get: api('previewRoutes', 'What the routes in force would file for the latest revision, and why, beside what was filed', {
        parameters: [path('workOrderId', 'our work order id')],
        responses: { 200: json(ref('RoutePreview')), ...responses('E400', 'E401', 'E404') },
      }),
    },
    '/api/rejected-pushes': {
      get: api('listRejectedPushes', 'Verified pushes that were refused and kept for review, newest first', {
        parameters: [
          query('from', { type: 'string' }, 'first received ≥ this ISO 8601 date or time'),
          query('to', { type: 'string' }, 'first received < this ISO time; a plain date includes its whole (UTC) day'),
          query('errorId', { type: 'string', enum: Object.keys(QIMEN_ERRORS) }, 'refused with this errorId'),
          ...PAGING,
        ],
        responses: { 200: json(object({ items: { type: 'array', items: ref('RejectedPush') }, nextCursor: nullable(str()) })), ...responses('E400', 'E401') },
      }),
    },
    '/api/rejected-pushes/{id}': {
      get: api('getRejectedPush', 'A refused push with the push as received (its exact bytes also as base64)', {
        parameters: [path('id', 'rejected push id')],
        responses: {
          200: json(object({ ...rejectedPushProperties, rawPush: object({ ...rawPushProperties, bodyBase64: str('the body\'s exact bytes') }, 'the push as received') })),
          ...responses('E400', 'E401', 'E404'),
        },
      }),
    },
    '/api/claims': {
      get: api('listClaims', 'Claims in id order', {
        parameters: [...CLAIM_FILTERS, ...PAGING],
        responses: { 200: json(object({ items: { type: 'array', items: ref('Claim') }, nextCursor: nullable(str()) })), ...responses('E400', 'E401') },
      }),
    },
    '/api/claims.xlsx': {
      get: api('exportClaimsXlsx', 'The claims the same filters select, as a streamed XLSX workbook', {
        parameters: [...CLAIM_FILTERS, TZ],
        responses: { 200: xlsxFile(CLAIM_SHEET), ...responses('E400', 'E401') },
      }),
    },
    '/api/claims/{id}/retry': {
      post: api('retryClaim', 'Operator: send a dead or rejected claim again (audited)', {
        parameters: [path('id', 'claim id')],
        responses: { 200: json(ref('Claim'), 'the claim, now pending'), ...responses('E400', 'E401', 'E403', 'E404', 'E409', 'E503') },
      }),
    },
    '/api/claims/{id}/cancel': {
      post: api('cancelClaim', 'Operator: cancel a claim (audited); one the platform holds is cancelled there too where the platform has a cancel API (appintf)', {
        parameters: [path('id', 'claim id')],
        responses: { 200: json(ref('Claim'), 'the claim, now cancelled'), ...responses('E400', 'E401', 'E403', 'E404', 'E409', 'E502', 'E503') },
      }),
    },
    '/api/summary': {
      get: api('getSummary', 'Totals per currency, by responsibility party, platform and claim status, and flag counts', {
        parameters: FILTERS,
        responses: { 200: json(ref('Summary')), ...responses('E400', 'E401') },
      }),
    },
    '/api/reconciliation': {
      get: api('getReconciliation', "Per currency and platform: the claims' claimed, accepted, completed, settled and outstanding amounts (the summary's byPlatform, read from the claims alone unless the filter names judgments)", {
        parameters: FILTERS,
        responses: { 200: json(ref('Reconciliation')), ...responses('E400', 'E401') },
      }),
    },
    '/api/summary/daily': {
      get: api('getDailySummary', "Amounts per day of received time in the viewer's time zone", {
        parameters: [...FILTERS, query('utcOffsetMinutes', { type: 'integer', minimum: -840, maximum: 840, default: 0 }, 'the viewer\'s offset from UTC (Beijing: 480)')],
        responses: { 200: json(ref('DailySummary')), ...responses('E400', 'E401') },
      }),
    },
    '/api/settlements/import': {
      post: api('importSettlements', "Operator: import a platform's statement (audited); dryRun=1 answers the same report and stores nothing", {
        parameters: [query('dryRun', { type: 'string', enum: ['0', '1'], default: '0' }, '1: match and report only, store nothing')],
        requestBody: {
          required: true,
          description: `a header row naming ${STATEMENT_COLUMNS.join(', ')} (any order; other columns ignored), then one line per row`,
          content: Object.fromEntries(Object.keys(STATEMENT_TYPES).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
        },
        responses: {
          200: json(ref('SettlementImport'), 'what became of each line'),
          ...responses('E400', 'E401', 'E403', 'E413', 'E415'),
        },
      }),
    },
    '/api/settlements': {
      get: api('listSettlements', 'Imported statement lines, newest first', {
        parameters: [...SETTLEMENT_FILTERS, ...PAGING],
        responses: { 200: json(object({ items: { type: 'array', items: ref('Settlement') }, nextCursor: nullable(str()) })), ...responses('E400', 'E401') },
      }),
    },
    '/api/settlements.xlsx': {
      get: api('exportSettlementsXlsx', 'The statement lines the same filters select, as a streamed XLSX workbook', {
        parameters: [...SETTLEMENT_FILTERS, TZ],
        responses: { 200: xlsxFile(SETTLEMENT_SHEET), ...responses('E400', 'E401') },
      }),
    },
    '/finance': {
      get: operation('redirectToFinancePage', 'finance', 'Redirects to /finance/', noSecurity, {
        responses: {
          301: {
            description: 'to /finance/',
            headers: { Location: { schema: oneString('/finance/') } },
            content: { 'text/plain': { schema: { type: 'string' } }, 'text/html': { schema: { type: 'string' } } },
          },
          default: { description: 'a request the HTTP server cannot parse: 400 without a body' },
        },
      }),
    },
    // The page's own paths, under the /finance server: "/" is /finance/ (a path key may not end in "/").
    '/': {
      servers: [{ url: '/finance', description: 'the finance web page' }],
      get: operation('getFinancePage', 'finance', 'The finance web page at /finance/ (signs in with a token, calls the API)', noSecurity, {
        responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      }),
    },
    '/assets/{file}': {
      servers: [{ url: '/finance', description: 'the finance web page' }],
      get: operation('getFinanceAsset', 'finance', "The page's script, style and icon (/finance/assets/…)", noSecurity, {
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: ['finance.js', 'finance-messages.js', 'finance.css', 'favicon.svg'] } }],
        responses: {
          200: {
            description: 'the file',
            content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } }, 'image/svg+xml': { schema: { type: 'string' } } },
          },
          404: apiError('no such file', 'not-found'),
        },
      }),
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a finance.tokens token; role viewer (read) or operator (read, retry, cancel, import statements)' } },
    responses: {
      E400: apiError('invalid-parameter: the message starts with the field', 'invalid-parameter'),
      E401: apiError('unauthorized: no or an unknown bearer token', 'unauthorized'),
      E403: apiError('forbidden: the role may not', 'forbidden'),
      E404: apiError('not-found', 'not-found'),
      E409: apiError('conflict: the claim is not in a status the action allows', 'conflict'),
      E413: apiError('body-too-large: the statement is over finance.maxStatementBytes, or its XLSX workbook needs more memory than an import may use to read it', 'body-too-large'),
      E415: apiError('unsupported-media-type: the body is neither text/csv nor XLSX', 'unsupported-media-type'),
      E502: apiError('platform-refused: the platform refused the cancel (or it cannot be asked yet); the claim is unchanged', 'platform-refused'),
      E503: apiError('server-busy: the request\'s body would pass finance.maxInFlightBodyBytes; send it again', 'server-busy'),
      E431: apiError('headers-too-large: request headers (or the URL) over the HTTP server\'s limit (16 KiB), answered before any route', 'headers-too-large'),
    },
    schemas: {
      Flag: { type: 'string', enum: FLAGS, description: Object.entries(FLAG_MEANINGS).map(([f, m]) => `${f}: ${m}`).join('; ') },
      QimenSuccess: object({
        error: oneString('200'), data: object({ workOrderId: { type: 'integer' } }), errorMessage: str(), timestamp: { type: 'integer', description: 'epoch ms' }, errorId: oneString('success'),
      }),
      Claim: object(claimProperties),
      JudgmentItem: object({ ...judgmentFields, claims: { type: 'array', items: ref('Claim') } }),
      JudgmentDetail: object({
        ...judgmentFields,
        revisions: {
          type: 'array',
          description: "every revision, oldest first by the push's Qimen timestamp, then arrival: the last is the latest",
          items: openObject({
            revision: { type: 'integer', description: 'numbered by arrival' }, receivedAt: time(), pushedAt: time("the push's Qimen timestamp"),
            outOfOrder: { type: 'boolean', description: 'pushed earlier than the latest revision when it arrived: kept, but it changed neither the judgment nor its claims' },
            rawPush: ref('RawPush'),
          }, "a revision's typed fields (one per stored column)"),
        },
        claims: { type: 'array', items: ref('ClaimDetail') },
      }),
      Settlement: object({
        id: { type: 'integer' }, platform: { type: 'string', enum: PLATFORMS }, reference: str("the statement's own line id"), platformClaimId: str("the platform's id of the claim record paid"),
        claimId: nullable({ type: 'integer', description: 'the claim holding that platform id in that currency; null: unmatched' }),
        amount: money('settled (negative: a reversal)'), currency: str(), settledAt: time(), importedAt: time(), importedBy: str("the finance token's name"),
        fileSha256: str('SHA-256 of the statement file it came from'),
      }, 'a line of a platform statement'),
      SettlementImport: object({
        rows: { type: 'integer' }, matched: { type: 'integer' }, unmatched: { type: 'integer' }, duplicates: { type: 'integer' }, invalid: { type: 'integer' },
        differing: { type: 'integer', description: 'claims the statement settles whose settled total differs from the amount claimed' },
        lines: {
          type: 'array',
          items: object({
            line: { type: 'integer', description: 'row number (the header is row 1)' }, outcome: { type: 'string', enum: ['matched', 'unmatched', 'duplicate', 'invalid'] },
            claimId: nullable({ type: 'integer' }), message: str('why, for a line not matched; the settled and claimed totals for a matched line whose claim differs (English)'),
            messageId: nullable({ type: 'string', enum: [...LINE_NOTE_IDS], description: 'the message as a stable id to word in any language; null for a plain match' }),
            params: nullable({ type: 'object', additionalProperties: true, description: 'the values messageId is worded with (column, currency, settled, claimed…)' }),
          }),
        },
      }),
      RejectedPush: object(rejectedPushProperties, 'a verified push that was refused, kept once per body'),
      RawPush: object(rawPushProperties, 'the push as received, secrets removed'),
      ClaimDetail: object({
        ...claimProperties,
        attempts: { type: 'array', items: ref('Attempt'), description: 'every send attempt' },
        events: { type: 'array', items: ref('ClaimEvent'), description: 'every status change' },
        audit: { type: 'array', items: ref('AuditEntry'), description: 'operator actions on the claim: who, what, when, before and after' },
      }),
      Attempt: object({
        attemptNo: { type: 'integer' }, outcome: str(), startedAt: time(), finishedAt: nullable(time()), latencyMs: nullable({ type: 'integer' }),
        httpStatus: nullable({ type: 'integer' }), errorCode: nullable(str()), errorMessage: nullable(str()),
        errorId: nullable({ type: 'string', enum: [...LAST_ERROR_IDS, null], description: 'what kind of error, as a claim\'s lastErrorId; null on success and on attempts stored before ids' }),
        errorParams: nullable({ type: 'object', additionalProperties: true, description: 'the values errorId is worded with, as a claim\'s lastErrorParams' }),
        request: nullable({ type: 'object', additionalProperties: true, description: 'the request sent, secrets removed' }), response: nullable(str('the response text, secrets removed')),
      }),
      ClaimEvent: object({
        from: nullable(str()), to: str(), source: str(), reason: nullable(str('the reason in English, as recorded')),
        reasonId: nullable({ type: 'string', enum: [...CLAIM_REASON_IDS, null], description: 'what kind of reason (src/claims/claim-reasons.ts); null on events recorded before ids' }),
        reasonParams: nullable({ type: 'object', additionalProperties: true, description: 'the values reasonId is worded with (amounts as decimal strings with their currency); text a platform wrote is as it wrote it' }),
        payload: nullable({ type: 'object', additionalProperties: true }), at: time(),
      }),
      AuditEntry: object({
        id: { type: 'integer' }, at: time(), actor: str(), actorRole: str(), action: str('claim.retry, claim.cancel…'),
        targetType: str(), targetId: str(), before: nullable({ type: 'object', additionalProperties: true }), after: nullable({ type: 'object', additionalProperties: true }), requestId: nullable(str()),
      }),
      RoutePreview: object({
        workOrderId: { type: 'integer' }, revision: { type: 'integer' },
        routes: {
          type: 'array',
          items: object({
            route: str(), platform: str(), share: nullable(str()), when: { type: 'object', additionalProperties: true }, matched: { type: 'boolean' },
            reasons: { type: 'array', items: str(), description: 'one line per when key: wanted and got' },
            checks: {
              type: 'array', description: 'the same verdicts as data',
              items: object({ key: str(), wanted: { description: 'the when value' }, got: { description: 'the judgment\'s value (any JSON), null when absent' }, matches: { type: 'boolean' } }),
            },
            amount: nullable(money('computed claim amount')), currency: str(), fields: { type: 'object', additionalProperties: true, description: 'resolved fields' },
            filed: nullable(object({
              claimId: { type: 'integer' }, status: str(), revision: { type: 'integer' }, amount: nullable(money('filed amount')), currency: str(), fields: { type: 'object', additionalProperties: true },
            })),
            matchesFiled: nullable({ type: 'boolean' }),
          }),
        },
        filedWithoutRoute: {
          type: 'array', description: 'claims filed by routes no longer configured',
          items: object({ claimId: { type: 'integer' }, route: str(), status: str(), amount: nullable(money('filed amount')) }),
        },
      }),
      Summary: object({
        asOf: time('when these figures were read: at most finance.viewCacheSeconds before the answer, unless the finance API changed them since'),
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
      Reconciliation: object({
        asOf: time('when these figures were read: at most finance.viewCacheSeconds before the answer, unless the finance API changed them since'),
        currencies: {
          type: 'array',
          items: object({ currency: str(), byPlatform: { type: 'array', items: object({ platform: str(), ...claimMeasures }) } }),
        },
      }),
      DailySummary: object({
        utcOffsetMinutes: { type: 'integer' },
        currencies: { type: 'array', items: object({ currency: str(), days: { type: 'array', items: object({ day: { type: 'string', format: 'date' }, ...measures }) } }) },
      }),
    },
  },
} as const;
