import type { Context } from 'koa';
import type { DataSource } from 'typeorm';

/** GET /healthz: the process runs. */
export function healthz(ctx: Context) {
  ctx.body = { status: 'ok' };
}

/** GET /readyz: 200 only when the database answers and no migration is pending; 503 otherwise. */
export function readyz(dataSource: DataSource) {
  return async (ctx: Context) => {
    try {
      if (!dataSource.isInitialized) throw new Error('database not initialized');
      await dataSource.query('SELECT 1');
      if (await dataSource.showMigrations()) throw new Error('migrations pending');
      ctx.body = { status: 'ready' };
    } catch (err) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', reason: (err as Error).message.split('\n')[0] };
    }
  };
}
