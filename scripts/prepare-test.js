#!/usr/bin/env node
/*
 * `npm test`'s first step: makes sure the machine has what the suite needs, so that `npm install && npm test`
 * is the whole set-up on a fresh Debian machine.
 *
 * - Debian's chromium (the browser test drives /usr/bin/chromium; nothing downloads a browser of its own) and a
 *   CJK font (the page's Chinese must render in the test's screenshots, not as boxes).
 * - A MySQL/MariaDB server answering at TEST_MYSQL_URL (default 127.0.0.1:3306) when TEST_DATABASES names mysql.
 *
 * What is missing is installed or started when this process may (root, apt-get / mariadbd present, and
 * CLAIM_RELAY_TEST_SETUP is not `check`); otherwise it stops with one line naming exactly what to run.
 * Plain JavaScript on purpose: it runs before anything is built.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const net = require('node:net');

const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT_PACKAGE = 'fonts-wqy-microhei';
const APT_PACKAGES = ['chromium', 'fontconfig', CJK_FONT_PACKAGE];
const MARIADBD = '/usr/sbin/mariadbd';
const mayInstall = process.getuid?.() === 0 && process.env.CLAIM_RELAY_TEST_SETUP !== 'check';

function say(line) {
  process.stderr.write(`npm test: ${line}\n`);
}

function stop(line) {
  say(line);
  process.exit(1);
}

function hasCjkFont() {
  const out = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return out.status === 0 && out.stdout.trim().length > 0;
}

function ensureBrowser() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!hasCjkFont()) missing.push(CJK_FONT_PACKAGE);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${APT_PACKAGES.join(' ')}`;
  if (!mayInstall || !existsSync('/usr/bin/apt-get')) {
    stop(`the browser test needs ${missing.join(' and ')}: run \`sudo ${command}\`, then npm test again`);
  }
  say(`installing ${missing.join(' and ')} with apt-get (the browser test needs them)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...APT_PACKAGES], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch {
    stop(`apt-get could not install ${missing.join(' and ')}: run \`${command}\` and read its error`);
  }
  if (!existsSync(CHROMIUM) || !hasCjkFont()) stop(`apt-get finished but ${missing.join(' and ')} is still missing`);
}

function mysqlServer() {
  const url = new URL(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
  return { host: url.hostname, port: Number(url.port || 3306) };
}

function answers({ host, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function ensureMysql() {
  const kinds = (process.env.TEST_DATABASES ?? 'sqlite,mysql').split(',').map((s) => s.trim());
  if (!kinds.includes('mysql')) return;
  const server = mysqlServer();
  if (await answers(server)) return;
  const local = server.host === '127.0.0.1' || server.host === 'localhost';
  const start = `start-stop-daemon --start --oknodo --background --exec ${MARIADBD}`;
  if (!mayInstall || !local || !existsSync(MARIADBD)) {
    stop(`no MySQL/MariaDB answers at ${server.host}:${server.port}: start it (e.g. \`sudo ${start}\`), or run TEST_DATABASES=sqlite npm test`);
  }
  say(`MariaDB is not answering at ${server.host}:${server.port}; starting it`);
  spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD], { stdio: 'inherit' });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await answers(server)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  stop(`MariaDB did not answer at ${server.host}:${server.port} within 60 s after \`${start}\``);
}

ensureBrowser();
ensureMysql().catch((e) => stop(String(e)));
