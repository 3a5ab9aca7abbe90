import { createApp } from '../../src/app';
import { OPENAPI_DOCUMENT } from '../../src/api/openapi';
import { parseConfig } from '../../src/config/load';
import { createLogger } from '../../src/logging';
import { TEST_DATABASES } from '../support/databases';
import { startTestService, TestService } from '../support/test-service';
import { buildWorld, call, FINANCE_CONFIG, TOKENS } from './finance-fixture';
import { registeredRoutes } from './registered-routes';

const documented = () =>
  Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

/** The properties an object schema (or a $ref to one) declares. */
function propertiesOf(schema: any): string[] {
  const resolved = schema.$ref ? (OPENAPI_DOCUMENT.components.schemas as any)[schema.$ref.split('/').pop()] : schema;
  return Object.keys(resolved.properties);
}

describe('the OpenAPI document', () => {
  const app = createApp({ config: parseConfig({ qimen: { apps: [{ appKey: '1', secret: 's' }] } }), dataSource: {} as never, logger: createLogger({ level: 'silent' }) });

  it('documents every registered route, and nothing that is not registered', () => {
    const registered = registeredRoutes(app).map((r) => `${r.method} ${r.openApiPath}`);
    expect(registered.length).toBeGreaterThan(15);
    expect([...new Set(registered)].sort()).toEqual(documented().sort());
  });

  it('is OpenAPI 3 with every $ref resolvable and every /api operation behind the bearer scheme', () => {
    expect(OPENAPI_DOCUMENT.openapi).toMatch(/^3\./);
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(schemas|responses)\/(\w+)"/g)) {
      expect(`${kind}/${name}: ${Boolean((OPENAPI_DOCUMENT.components as any)[kind][name])}`).toBe(`${kind}/${name}: true`);
    }
    for (const [path, ops] of Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) expect(`${path}: ${JSON.stringify(op.security ?? null)}`).toBe(`${path}: ${path.startsWith('/api/') ? '[{"bearer":[]}]' : 'null'}`);
    }
  });
});

describe.each(TEST_DATABASES.slice(0, 1))('GET /openapi.json against real answers (%s)', (kind) => {
  let svc: TestService;
  let ids: Awaited<ReturnType<typeof buildWorld>>;
  beforeAll(async () => {
    svc = await startTestService(kind, FINANCE_CONFIG);
    ids = await buildWorld(svc);
  });
  afterAll(() => svc.close());

  it('is served without auth', async () => {
    const { status, json } = await call(svc.baseUrl, '/openapi.json');
    expect(status).toBe(200);
    expect(json).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it('names exactly the fields the API answers', async () => {
    const s = OPENAPI_DOCUMENT.components.schemas as any;
    const list = await call(svc.baseUrl, '/api/judgments', { token: TOKENS.viewer });
    expect(Object.keys(list.json.items[0])).toEqual(propertiesOf(s.JudgmentItem));
    expect(Object.keys(list.json.items[0].claims[0])).toEqual(propertiesOf(s.Claim));
    const detail = await call(svc.baseUrl, `/api/judgments/${ids.D}`, { token: TOKENS.viewer });
    expect(Object.keys(detail.json)).toEqual(propertiesOf(s.JudgmentDetail));
    expect(Object.keys(detail.json.claims[0])).toEqual(propertiesOf(s.ClaimDetail));
    const preview = await call(svc.baseUrl, `/api/judgments/${ids.D}/route-preview`, { token: TOKENS.viewer });
    expect(Object.keys(preview.json)).toEqual(propertiesOf(s.RoutePreview));
    expect(Object.keys(preview.json.routes[0])).toEqual(propertiesOf(s.RoutePreview.properties.routes.items));
    const summary = await call(svc.baseUrl, '/api/summary', { token: TOKENS.viewer });
    const currency = s.Summary.properties.currencies.items;
    expect(Object.keys(summary.json.currencies[0])).toEqual(propertiesOf(currency));
    expect(Object.keys(summary.json.currencies[0].byPlatform[0])).toEqual(propertiesOf(currency.properties.byPlatform.items));
    const daily = await call(svc.baseUrl, '/api/summary/daily', { token: TOKENS.viewer });
    expect(Object.keys(daily.json.currencies[0].days[0])).toEqual(propertiesOf(s.DailySummary.properties.currencies.items.properties.days.items));
    const claims = await call(svc.baseUrl, '/api/claims', { token: TOKENS.viewer });
    expect(Object.keys(claims.json.items[0])).toEqual(propertiesOf(s.Claim));
  });
});
