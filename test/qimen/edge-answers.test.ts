import { connect } from 'node:net';
import { TEST_APP, signedPush, specExample } from '../support/qimen-push';
import { startTestService, TestService } from '../support/test-service';

/** Every answer of /qimen is Qimen's envelope, whatever the HTTP status; format=xml is answered in XML. */
describe('answers of the /qimen edge outside the push path', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { qimen: { apps: [TEST_APP] } });
  });
  afterAll(() => svc.close());

  it('answers another HTTP method on /qimen with 405, Allow: POST and the JSON envelope', async () => {
    const res = await fetch(`${svc.baseUrl}/qimen`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ errorId: 'invalid-parameter', error: '400' });
  });

  it('answers a path under /qimen with 404 in the JSON envelope', async () => {
    const res = await fetch(`${svc.baseUrl}/qimen/other`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errorId: 'invalid-parameter' });
  });

  it('answers a URL over 16 KB with 431 in the JSON envelope', async () => {
    const answer = await rawRequest(svc.baseUrl, `POST /qimen?pad=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ errorId: 'invalid-parameter', error: '400' });
  });

  it('answers a push sent with format=xml in the XML envelope, carrying the workOrderId', async () => {
    const signed = signedPush(JSON.stringify({ ...specExample(), externalOrderId: 'XML-1' }), { extra: { format: 'xml' } });
    const res = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const text = await res.text();
    expect(text).toMatch(/<response><flag>success<\/flag><code>200<\/code><message>操作成功<\/message><errorId>success<\/errorId><data><workOrderId>\d+<\/workOrderId><\/data><\/response>$/);
  });

  it('answers a failed push sent with format=xml in the XML envelope', async () => {
    const signed = signedPush(JSON.stringify(specExample()), { extra: { format: 'xml' }, sign: 'BAD' });
    const res = await fetch(`${svc.baseUrl}/qimen?${signed.query}`, { method: 'POST', body: signed.body });
    expect(await res.text()).toMatch(/<response><flag>failure<\/flag><code>500<\/code><message>Illegal request<\/message><errorId>sign-check-failure<\/errorId><\/response>$/);
  });

  it('redirects /finance to /finance/ without an HTML body', async () => {
    const res = await fetch(`${svc.baseUrl}/finance`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/finance/');
    expect(res.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(await res.text()).toBe('');
  });
});

/** Sends raw bytes and reads the answer until the server closes the connection. */
export function rawRequest(baseUrl: string, text: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(text);
  });
}
