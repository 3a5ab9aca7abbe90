import type Koa from 'koa';

export interface RegisteredRoute {
  method: string;
  /** The koa path, e.g. /api/judgments/:workOrderId */
  path: string;
  /** The same path as OpenAPI writes it: /api/judgments/{workOrderId} */
  openApiPath: string;
}

/** Every route registered on the app's @koa/router routers (HEAD, implied by GET, left out). */
export function registeredRoutes(app: Koa): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const mw of app.middleware as Array<{ router?: { stack: Array<{ methods: string[]; path: string }> } }>) {
    for (const layer of mw.router?.stack ?? []) {
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        routes.push({ method, path: layer.path, openApiPath: layer.path.replace(/:(\w+)/g, '{$1}') });
      }
    }
  }
  return routes;
}

/** A concrete URL path for a route: every parameter filled with 1 (or a file name). */
export const concretePath = (r: RegisteredRoute) => r.path.replace(':file', 'finance.js').replace(/:(\w+)/g, '1');
