'use strict';
/**
 * Compiles the project to dist/ (tsc -p tsconfig.build.json, then the finance page's static files) and
 * writes dist/.built, whose mtime is the moment that build started. `ensureBuilt()` compiles only when a
 * file the build reads (everything tsconfig.build.json includes, and the tsconfig files) is newer than
 * that stamp: a walk of the source tree, a few milliseconds, where `tsc --incremental` re-reads and
 * re-checks every file.
 *
 * Plain JavaScript, so that it runs before anything is compiled. Used by scripts/launch.js (npm start,
 * npm run worker|fakes|cli, npx claim-relay), by `npm run build` (always compiles) and by `prepare`
 * (`--if-stale`, after npm install), and by the tests' global set-up.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const STAMP = path.join(ROOT, 'dist/.built');
/** Held (a directory: mkdir is atomic) by the one process compiling; the others wait for it. */
const LOCK = path.join(ROOT, '.build-lock');
const LOCK_WAIT_MS = 180_000;
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const TSCONFIG = path.join(ROOT, 'tsconfig.build.json');
/** The file every launcher needs: its absence means there is no usable build. */
const MAIN_OUTPUT = path.join(ROOT, 'dist/src/main.js');

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const mtimeOr0 = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

/** Newest mtime of a file, or of a directory and everything under it (a deleted file changes its directory's). */
function newestMtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

/** What the build reads: tsconfig.build.json's `include` and the tsconfig files it extends. */
function buildInputs() {
  const inputs = [];
  for (let config = TSCONFIG; config; ) {
    const json = JSON.parse(fs.readFileSync(config, 'utf8'));
    inputs.push(config, ...(json.include ?? []).map((p) => path.resolve(path.dirname(config), p)));
    config = json.extends ? path.resolve(path.dirname(config), json.extends) : null;
  }
  return inputs;
}

const sourcesMtime = () => Math.max(...buildInputs().map(newestMtime));
const isFresh = () => mtimeOr0(STAMP) > sourcesMtime();

/** False when the process that took the lock is gone (killed mid-build): the lock is then stale. */
function lockHolderAlive() {
  let pid = 0;
  try {
    pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    // just taken (its pid not yet written) or just released: wait and try again
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function withLock(work) {
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (!lockHolderAlive()) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > waitUntil) throw new Error(`${LOCK} held for more than ${LOCK_WAIT_MS / 1000} s: remove it if no build is running`, { cause: err });
      else sleepSync(200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Compiles now. A type error fails it (tsc's report in the error), unless `tolerateTypeErrors`: tsc still
 * emits JavaScript then, and only a missing output fails; no stamp is written, so the next launcher
 * compiles again and reports the errors.
 */
function compile({ tolerateTypeErrors = false, log = () => undefined } = {}) {
  const started = Date.now();
  log('claim-relay: compiling to dist/ …');
  let typeErrors = null;
  try {
    execFileSync(process.execPath, [TSC, '-p', TSCONFIG], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    typeErrors = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || err.message;
    if (!tolerateTypeErrors || mtimeOr0(MAIN_OUTPUT) < started - 1000) throw new Error(`tsc failed:\n${typeErrors}`, { cause: err });
  }
  fs.cpSync(path.join(ROOT, 'src/web/static'), path.join(ROOT, 'dist/src/web/static'), { recursive: true });
  if (!typeErrors) {
    fs.writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
    fs.utimesSync(STAMP, new Date(started), new Date(started));
  }
  const what = `compiled in ${((Date.now() - started) / 1000).toFixed(1)} s${typeErrors ? ' (with type errors)' : ''}`;
  log(`claim-relay: ${what}`);
  return what;
}

const typescriptInstalled = () => fs.existsSync(TSC);

/**
 * Compiles unless dist/ is newer than every source; answers what it did. Without TypeScript (a production
 * install without devDependencies) an existing dist/ is used as it is.
 */
function ensureBuilt(options = {}) {
  if (isFresh()) return 'dist up to date';
  if (!typescriptInstalled()) {
    if (fs.existsSync(MAIN_OUTPUT)) return 'dist used as it is (TypeScript is not installed)';
    throw new Error('dist/ is missing and TypeScript is not installed: run `npm install` (with devDependencies)');
  }
  return withLock(() => (isFresh() ? 'dist built by another process' : compile(options)));
}

module.exports = { ensureBuilt, compile: (options) => withLock(() => compile(options)) };

if (require.main === module) {
  const log = (line) => process.stderr.write(`${line}\n`);
  try {
    if (!process.argv.includes('--if-stale')) module.exports.compile({ log });
    else if (!typescriptInstalled()) log('claim-relay: TypeScript is not installed (no devDependencies); dist/ not built');
    else ensureBuilt({ log });
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
