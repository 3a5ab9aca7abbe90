import { Agent, request } from 'node:http';
import { cpuMeter, CpuCores, LOOPBACK, sleep } from './support';

/**
 * Open-loop load at a steady rate: request i is sent at start + i / rate seconds whatever the answers
 * before it are doing (autocannon's overallRate spends each second's budget in a burst at its start, which
 * measures queueing behind the burst rather than latency at that rate). Keep-alive connections, at most
 * `maxSockets` in flight; an answer is "ok" when it is HTTP 2xx with error "200". The first
 * `warmupSeconds` run at the same rate but are not counted: the figures are those of the steady state,
 * not of the backlog a previous load left (MariaDB still flushing the pages of the run before).
 */
export interface PacedFigures {
  rate: number;
  seconds: number;
  reqPerSec: number;
  completed: number;
  ok: number;
  failures: number;
  p50: number;
  p99: number;
  max: number;
  cpu: CpuCores;
}

export async function pacedLoad(
  port: number,
  opts: { rate: number; seconds: number; warmupSeconds: number; maxSockets: number; serverPid: number; mariadbPid: number | null },
  build: () => { path: string; body: Buffer },
): Promise<PacedFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  const latencies: number[] = [];
  let ok = 0;
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  let counting = false;
  const send = () => {
    const counted = counting;
    const push = build();
    const started = process.hrtime.bigint();
    const done = new Promise<void>((resolve) => {
      const req = request(
        { host: LOOPBACK, port, method: 'POST', path: push.path, agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': push.body.length }, timeout: 10_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            if (counted) {
              latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
              if (res.statusCode && res.statusCode < 300 && body.includes('"error":"200"')) ok++;
              else failures++;
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        if (counted) failures++;
        resolve();
      });
      req.end(push.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const warmup = Math.round(opts.rate * opts.warmupSeconds);
  const total = warmup + Math.round(opts.rate * opts.seconds);
  const startedAt = performance.now();
  let meter: (() => CpuCores & { wall: number }) | null = null;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * opts.rate) + 1);
    while (sent < due) {
      if (sent === warmup) {
        counting = true;
        meter = cpuMeter(() => [opts.serverPid], opts.mariadbPid);
      }
      send();
      sent++;
    }
    await sleep(1);
  }
  await Promise.all([...inFlight]);
  const cpu = meter!();
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    rate: opts.rate, seconds: cpu.wall, reqPerSec: latencies.length / cpu.wall, completed: latencies.length, ok, failures,
    p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, cpu,
  };
}
