import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { QimenError } from '../errors/qimen-errors';

/**
 * The request body as raw bytes, whatever the Content-Type says: the signature covers these exact bytes,
 * so they are read before anything is parsed. Over `limit` bytes → body-too-large.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.request.length });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      // Nothing more of this body will be read; close the connection after answering.
      ctx.set('Connection', 'close');
      throw new QimenError('body-too-large', `request body exceeds ${limit} bytes`);
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') {
      throw new QimenError('invalid-parameter', 'request body ended before its Content-Length');
    }
    throw err;
  }
}
