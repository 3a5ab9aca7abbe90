import Router from '@koa/router';
import type { Context } from 'koa';
import type { Caller } from './auth';

/** GET /api/me: who the token belongs to (name and role), so the page can sign in and show operator buttons. */
export function meRoutes(): Router {
  const router = new Router();
  router.get('/api/me', (ctx: Context) => {
    const caller = ctx.state.caller as Caller;
    ctx.body = { name: caller.name, role: caller.role };
  });
  return router;
}
