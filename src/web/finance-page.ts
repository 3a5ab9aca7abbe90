import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { PLATFORM_NAMES } from '../platforms';

/**
 * GET /finance/: the finance web page, static files served by the service itself (no CDN, works
 * offline). Loading the page needs no token: it signs in with one and keeps it in sessionStorage.
 * No inline script or handler anywhere, so the CSP can forbid them.
 */
export const STATIC_DIR = join(__dirname, 'static');

const ASSETS: Record<string, string> = {
  'finance.js': 'text/javascript; charset=utf-8',
  'finance-messages.js': 'text/javascript; charset=utf-8',
  'finance.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** finance.js takes its platform list from the platform registry: this mark is replaced when it is served. */
const PLATFORM_NAMES_MARK = '/*PLATFORM_NAMES*/[]';
const filled = (name: string, bytes: Buffer): Buffer =>
  name === 'finance.js' ? Buffer.from(bytes.toString('utf8').replace(PLATFORM_NAMES_MARK, JSON.stringify(PLATFORM_NAMES)), 'utf8') : bytes;

export const PAGE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ');

async function securityHeaders(ctx: Context, next: Next) {
  await next();
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-cache');
}

export function financePageRoutes(dir = STATIC_DIR): Router {
  const files = new Map<string, Buffer>();
  const read = (name: string) => {
    if (!files.has(name)) files.set(name, filled(name, readFileSync(join(dir, name))));
    return files.get(name)!;
  };
  const router = new Router({ strict: true }); // /finance and /finance/ are two routes
  router.get('/finance', (ctx) => {
    ctx.status = 301;
    ctx.redirect('/finance/');
    // The Location header says it all: an empty body, not Koa's HTML link.
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = '';
  });
  router.get('/finance/', securityHeaders, (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = read('index.html');
  });
  router.get('/finance/assets/:file', securityHeaders, (ctx) => {
    const type = Object.prototype.hasOwnProperty.call(ASSETS, ctx.params.file) ? ASSETS[ctx.params.file] : undefined;
    if (!type) {
      ctx.status = 404;
      ctx.body = { error: 'not-found', message: 'no such file' };
      return;
    }
    ctx.type = type;
    ctx.body = read(ctx.params.file);
  });
  return router;
}
