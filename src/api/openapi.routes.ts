import Router from '@koa/router';
import { OPENAPI_DOCUMENT } from './openapi';

/** GET /openapi.json: the OpenAPI 3 document, no auth. */
export function openApiRoutes(): Router {
  const router = new Router();
  const body = JSON.stringify(OPENAPI_DOCUMENT);
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = body;
  });
  return router;
}
