// Lints the OpenAPI document read from stdin with Redocly's recommended ruleset; writes the problems as
// JSON to stdout. A child process of test/api/openapi-lint.test.ts: @redocly/openapi-core is ESM only,
// which jest's CommonJS module system cannot load.
import { createConfig, lintFromString } from '@redocly/openapi-core';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source: Buffer.concat(chunks).toString('utf8'), absoluteRef: 'openapi.json', config });
process.stdout.write(JSON.stringify(problems.map((p) => ({
  ruleId: p.ruleId, severity: p.severity, message: p.message, at: p.location.map((l) => l.pointer).join(' '),
}))));
