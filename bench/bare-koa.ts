import Koa from 'koa';
import getRawBody from 'raw-body';

/**
 * The ceiling of the benchmark: a bare Koa server whose one route (POST /qimen) reads the whole raw body
 * and answers a small JSON, with no routing library, signature, validation or database.
 * Listens on 127.0.0.1:$PORT.
 */
const app = new Koa();
app.silent = true;
app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/qimen') {
    ctx.status = 404;
    return;
  }
  const body = await getRawBody(ctx.req, { limit: 32 * 1024 * 1024, length: ctx.request.length });
  ctx.body = { error: '200', data: { bytes: body.length }, errorMessage: '操作成功', timestamp: Date.now(), errorId: 'success' };
});

const port = Number(process.env.PORT ?? 0);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`bare-koa listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});
server.keepAliveTimeout = 65_000;
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
