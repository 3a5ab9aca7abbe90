import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { createDataSource } from '../ormconfig';

/** Helpers of the benchmark: child processes, ports, HTTP on loopback, /proc memory figures. */

export const LOOPBACK = '127.0.0.1';

/** A free TCP port on the loopback interface (the OS picks it; released before the child binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Last lines of its stdout/stderr, for failure reports. */
  tail(): string;
  /** Lines it wrote in all. */
  lines(): number;
  exited(): boolean;
}

/** Starts `node <script>` with the given environment; its output is kept (last 40 lines), not shown. */
export function startNode(name: string, script: string, env: NodeJS.ProcessEnv, execArgv: string[] = [], cwd?: string): Child {
  const proc = spawn(process.execPath, [...execArgv, script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const kept: string[] = [];
  let count = 0;
  let exited = false;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      count++;
      kept.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (kept.length > 40) kept.shift();
    }
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.on('exit', () => {
    exited = true;
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${script}`);
  return { name, proc, pid: proc.pid, tail: () => kept.join('\n'), lines: () => count, exited: () => exited || proc.exitCode !== null };
}

/**
 * The first whole line of the child's stdout for which `test` holds (lines are not cut, unlike tail()).
 * Call it right after startNode, before the event loop turns, so no line is missed. Fails when the child
 * exits first or `timeoutMs` passes.
 */
export function waitForLine(child: Child, test: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let partial = '';
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.proc.stdout!.off('data', onData);
      child.proc.off('exit', onExit);
      fn();
    };
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      const found = lines.find(test);
      if (found !== undefined) done(() => resolve(found));
    };
    const onExit = () => done(() => reject(new Error(`${child.name} exited before the expected line:\n${child.tail()}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`${child.name}: no expected line within ${timeoutMs} ms:\n${child.tail()}`))), timeoutMs);
    child.proc.stdout!.on('data', onData);
    child.proc.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: Child | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exited()) return;
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!child.exited()) child.proc.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/** One HTTP request on loopback (no keep-alive), timed from the first byte written to the last byte read. */
export function httpRequest(port: number, method: string, path: string, body?: Buffer, timeoutMs = 60_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const headers: Record<string, string | number> = {};
    if (body) {
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = body.length;
    }
    const req = request({ host: LOOPBACK, port, method, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path.split('?')[0]}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls GET `path` until it answers 200; fails when the child exits or `timeoutMs` passes. */
export async function waitForOk(child: Child, port: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exited()) throw new Error(`${child.name} exited before ${path} answered 200:\n${child.tail()}`);
    try {
      const answer = await httpRequest(port, 'GET', path, undefined, 2000);
      if (answer.status === 200) return;
      last = `${answer.status} ${answer.body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name}: ${path} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${child.tail()}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** VmRSS (current) and VmHWM (peak since start) of a process, in bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export const MiB = 1024 * 1024;
export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2)),
  mib: (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`,
};

/** User + system CPU seconds a process has used, from /proc/<pid>/stat (null when unreadable). */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15 (clock ticks, 100/s on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The pids of a process's children, from /proc/<pid>/task/<tid>/children (empty when it is gone). */
function childPidsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * CPU seconds of a process and all its live descendants: the service with WEB_CONCURRENCY > 1 is a primary
 * that serves nothing and one forked process per core that do the work (null when the process is gone).
 */
export function treeCpuSecondsOf(pid: number, depth = 0): number | null {
  const own = cpuSecondsOf(pid);
  if (own === null || depth > 4) return own;
  return childPidsOf(pid).reduce<number>((sum, child) => sum + (treeCpuSecondsOf(child, depth + 1) ?? 0), own);
}

/** The pid of the first process whose command name is one of `names` (e.g. the local mariadbd), or null. */
export function findPid(names: string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** CPU seconds all processes of the machine have spent busy (not idle, not waiting for I/O), from /proc/stat. */
export function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields; // idle and iowait are not busy time
    return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
  } catch {
    return null;
  }
}

/** A Markdown table whose columns are padded to their widest cell. */
export function markdownTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** CPU cores used over a stretch of wall time: the process under test, MariaDB, this process, everything else. */
export interface CpuCores {
  server: number | null;
  mariadb: number | null;
  loadgen: number;
  other: number | null;
}

/**
 * Starts measuring CPU for `pids()` (summed: the process or processes under test) and `mariadbPid`; the
 * returned function gives the cores each used since, over the wall time since, and what the rest of the
 * machine used (from /proc/stat, minus the three).
 */
export function cpuMeter(pids: () => number[], mariadbPid: number | null): () => CpuCores & { wall: number } {
  const sum = () => pids().reduce<number | null>((s, pid) => { const c = treeCpuSecondsOf(pid); return s === null || c === null ? null : s + c; }, 0);
  const before = { server: sum(), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null, self: process.cpuUsage(), machine: machineBusySeconds(), at: process.hrtime.bigint() };
  return () => {
    const wall = Number(process.hrtime.bigint() - before.at) / 1e9;
    const after = { server: sum(), mariadb: mariadbPid ? cpuSecondsOf(mariadbPid) : null, self: process.cpuUsage(before.self), machine: machineBusySeconds() };
    const cores = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / wall);
    const server = cores(before.server, after.server);
    const mariadb = cores(before.mariadb, after.mariadb);
    const loadgen = (after.self.user + after.self.system) / 1e6 / wall;
    const machine = cores(before.machine, after.machine);
    const other = machine === null ? null : Math.max(0, machine - (server ?? 0) - (mariadb ?? 0) - loadgen);
    return { server, mariadb, loadgen, other, wall };
  };
}

/** "server / MariaDB / load gen / other" in cores. */
export function cpuCoresCell(c: CpuCores): string {
  const f = (n: number | null) => (n === null ? '?' : n.toFixed(2));
  return `${f(c.server)} / ${f(c.mariadb)} / ${f(c.loadgen)} / ${f(c.other)}`;
}

/** A process's memory around one measured request (bytes). */
export interface PeakMemory {
  /** VmRSS right before. */
  rssBefore: number;
  /** VmHWM right before: reset to VmRSS when `hwmReset`, else the peak since the process started. */
  hwmBefore: number;
  hwmAfter: number;
  rssAfter: number;
  /** The highest VmRSS sampled every 20 ms during the request. */
  sampledPeak: number;
  hwmReset: boolean;
}

/** Resets the process's VmHWM to its current VmRSS (Linux: "5" into /proc/<pid>/clear_refs); false when refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's VmRSS every 20 ms from now on; the returned function stops and answers the highest seen (a last sample included). */
export function rssSampler(pid: number): () => number {
  let peak = memoryOf(pid).rss;
  const timer = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rss)), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, memoryOf(pid).rss);
  };
}

/**
 * Drops and creates a bench database (utf8mb4) and records its name in `registry`, so the bench's
 * clean-up drops it even when the run fails.
 */
export async function freshDatabase(conn: { query(sql: string): Promise<unknown> }, name: string, registry: string[]): Promise<void> {
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  registry.push(name);
}

/** freshDatabase, then every migration applied: the schema the service would create, with no service running. */
export async function freshMigratedDatabase(conn: { query(sql: string): Promise<unknown> }, mysql: string, name: string, registry: string[]): Promise<string> {
  await freshDatabase(conn, name, registry);
  const url = `${mysql}/${name}`;
  const dataSource = await createDataSource(url);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  return url;
}
