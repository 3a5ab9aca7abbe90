import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config/load';
import { createHttpServer } from '../../src/http/server';
import { createLogger } from '../../src/logging';

/** Runs test/support/redocly-lint.mjs (Redocly's engine is ESM only: it runs in its own node process). */
function lint(document: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '../support/redocly-lint.mjs')], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the linter exited ${code}: ${err}`));
      const problems = JSON.parse(out) as Array<{ severity: string; ruleId: string; at: string; message: string }>;
      resolve(problems.map((p) => `${p.severity} ${p.ruleId} at ${p.at}: ${p.message}`));
    });
    child.stdin.end(document);
  });
}

describe("Redocly's recommended ruleset", () => {
  let served: string;
  beforeAll(async () => {
    // The document as the app serves it (no database needed for this route).
    const app = createApp({ config: parseConfig({ qimen: { apps: [{ appKey: '1', secret: 's' }] } }), dataSource: {} as never, logger: createLogger({ level: 'silent' }) });
    const server = createHttpServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`);
      expect(res.status).toBe(200);
      served = await res.text();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('finds no error and no warning in /openapi.json', async () => {
    expect(await lint(served)).toEqual([]);
  });

  it('reports the problems of a document that breaks its rules (the lint runs)', async () => {
    const broken = JSON.parse(served);
    delete broken.servers;
    delete broken.paths['/healthz'].get.operationId;
    const problems = await lint(JSON.stringify(broken));
    expect(problems).toEqual([
      expect.stringMatching(/^error no-empty-servers /),
      expect.stringMatching(/^warn operation-operationId at #\/paths\/~1healthz\/get\/operationId/),
    ]);
  });
});
