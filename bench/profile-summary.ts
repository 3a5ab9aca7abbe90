import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): top functions by self time, and self time by area
 * (this repo, each node_modules package, node internals, GC, idle).
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile | directory (newest profile in it)> [top=25]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = resolve(__dirname, '../..');

function newestProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f));
  if (!files.length) throw new Error(`no .cpuprofile in ${path}`);
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)') return '(garbage collector)';
  if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return fn;
  if (!url) return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return `npm ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (path.startsWith(ROOT)) return `repo ${relative(ROOT, path).split('/').slice(0, 3).join('/')}`;
  return path;
}

function location(frame: CallFrame): string {
  const path = frame.url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return short ? `${short}:${frame.lineNumber + 1}` : '';
}

function main(): void {
  const file = newestProfile(process.argv[2] ?? '/tmp/claim-relay-prof');
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    const key = `${callFrame.functionName || '(anonymous)'}  ${location(callFrame)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const a = area(callFrame.url, callFrame.functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }

  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  process.stdout.write(`${file}\nwall ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%); shares below are of busy time\n\n`);
  process.stdout.write('Self time by area:\n');
  for (const [a, us] of [...byArea].filter(([a]) => a !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 20)) {
    process.stdout.write(`  ${ms(us)} ${pct(us)}  ${a}\n`);
  }
  // Inclusive (synchronous) time of this repo's functions: self time of their subtrees, each resumption of an
  // async function counted on its own stack; a function recursing into itself is counted once.
  const subtree = new Map<number, number>();
  const total0 = (id: number): number => {
    const node = byId.get(id)!;
    const sum = (selfUs.get(id) ?? 0) + (node.children ?? []).reduce((a, c) => a + total0(c), 0);
    subtree.set(id, sum);
    return sum;
  };
  total0(profile.nodes[0].id);
  const inclusive = new Map<string, number>();
  const walk = (id: number, onPath: Set<string>) => {
    const { callFrame, children } = byId.get(id)!;
    let key: string | undefined;
    if (callFrame.url.includes(`${ROOT}/dist/`) && !callFrame.url.includes('node_modules')) {
      key = `${callFrame.functionName || '(anonymous)'}  ${location(callFrame)}`;
      if (onPath.has(key)) key = undefined;
      else inclusive.set(key, (inclusive.get(key) ?? 0) + subtree.get(id)!);
    }
    if (key) onPath.add(key);
    for (const c of children ?? []) walk(c, onPath);
    if (key) onPath.delete(key);
  };
  walk(profile.nodes[0].id, new Set());
  process.stdout.write('\nThis repo\'s functions by inclusive synchronous time:\n');
  for (const [key, us] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, 20)) {
    process.stdout.write(`  ${ms(us)} ${pct(us)}  ${key}\n`);
  }

  process.stdout.write(`\nTop ${top} functions by self time:\n`);
  for (const [key, us] of [...byFunction].filter(([k]) => !k.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top)) {
    process.stdout.write(`  ${ms(us)} ${pct(us)}  ${key}\n`);
  }
}

main();
