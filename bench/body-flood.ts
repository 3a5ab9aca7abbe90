import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedPush, specExample, TEST_APP } from '../test/support/qimen-push';
import { fmt, freePort, httpRequest, LOOPBACK, memoryOf, MiB, sleep, startNode, stopChild, waitForOk } from './support';

/**
 * `npm run build && node dist/bench/body-flood.js`: unauthenticated memory use. The service (default config but
 * its one app, embedded SQLite) receives FLOOD_BODIES concurrent badly signed pushes of FLOOD_BODY_MIB MiB each
 * (only the public app_key and a current timestamp are needed to send them), sent as fast as loopback takes
 * them, while an ordinary signed push is sent every 100 ms. Prints the service's peak RSS, its RSS before
 * and after, each flood body's answer, and the ordinary pushes' latency. `--json` prints the figures as JSON.
 */
const BODIES = Number(process.env.FLOOD_BODIES ?? 40);
const BODY_MIB = Number(process.env.FLOOD_BODY_MIB ?? 32);

/** Sends `mib` MiB of body with a bad signature, streaming; resolves with the answer's errorId (or the error). */
function floodBody(port: number, mib: number): Promise<string> {
  const signed = signedPush('{}', { sign: 'BAD' });
  const chunk = Buffer.alloc(MiB, 0x20);
  return new Promise((resolve) => {
    const req = request({ host: LOOPBACK, port, method: 'POST', path: `/qimen?${signed.query}`, headers: { 'content-length': mib * MiB }, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(/"errorId":"([^"]+)"/.exec(text)?.[1] ?? `HTTP ${res.statusCode}`));
    });
    req.on('error', (err) => resolve(`connection ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    let sent = 0;
    const write = () => {
      while (sent < mib) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

export interface FloodFigures {
  bodies: number;
  bodyMiB: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  rssAfterMiB: number;
  answers: Record<string, number>;
  ordinary: { count: number; stored: number; p50Ms: number; maxMs: number };
}

export async function bodyFlood(distRoot: string): Promise<FloodFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'claim-relay-flood-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ qimen: { apps: [TEST_APP] } }));
  const port = await freePort();
  const service = startNode('service', join(distRoot, 'src/main.js'), {
    ...process.env, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'flood.sqlite')}`, CLAIM_RELAY_CONFIG: config, LOG_LEVEL: 'warn', DISPATCH_IN_PROCESS: '0',
  });
  try {
    await waitForOk(service, port, '/readyz');
    for (let i = 0; i < 20; i++) await httpRequest(port, 'POST', `/qimen?${signedPush(JSON.stringify({ ...specExample(), externalOrderId: `WARM-${i}` })).query}`, Buffer.from(JSON.stringify({ ...specExample(), externalOrderId: `WARM-${i}` })));
    await sleep(500);
    const before = memoryOf(service.pid).rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(service.pid).rss)), 20);

    const latencies: number[] = [];
    let stored = 0;
    let flooding = true;
    const ordinary = (async () => {
      for (let i = 0; flooding || i < 5; i++) {
        const body = JSON.stringify({ ...specExample(), externalOrderId: `ORDINARY-${i}` });
        const answer = await httpRequest(port, 'POST', `/qimen?${signedPush(body).query}`, Buffer.from(body), 30_000);
        latencies.push(answer.ms);
        if (answer.body.includes('"errorId":"success"')) stored++;
        await sleep(100);
      }
    })();
    const outcomes = await Promise.all(Array.from({ length: BODIES }, () => floodBody(port, BODY_MIB)));
    flooding = false;
    await ordinary;
    await sleep(2000);
    clearInterval(sampler);
    const after = memoryOf(service.pid).rss;
    const answers: Record<string, number> = {};
    for (const o of outcomes) answers[o] = (answers[o] ?? 0) + 1;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      bodies: BODIES,
      bodyMiB: BODY_MIB,
      rssBeforeMiB: before / MiB,
      peakRssMiB: peak / MiB,
      rssAfterMiB: after / MiB,
      answers,
      ordinary: { count: sorted.length, stored, p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0 },
    };
  } finally {
    await stopChild(service);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  bodyFlood(join(__dirname, '..')).then((f) => {
    if (process.argv.includes('--json')) return void process.stdout.write(`${JSON.stringify(f)}\n`);
    process.stdout.write(
      `${f.bodies} bad-sign bodies of ${f.bodyMiB} MiB at once: RSS ${fmt.int(f.rssBeforeMiB)} MiB before, peak ${fmt.int(f.peakRssMiB)} MiB, ` +
        `${fmt.int(f.rssAfterMiB)} MiB 2 s after; answers ${JSON.stringify(f.answers)}; ordinary pushes meanwhile: ${f.ordinary.stored}/${f.ordinary.count} stored, ` +
        `p50 ${f.ordinary.p50Ms.toFixed(1)} ms, max ${f.ordinary.maxMs.toFixed(1)} ms\n`,
    );
  }, (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
