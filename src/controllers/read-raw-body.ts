import type { Context } from 'koa';
import { QimenError } from '../errors/qimen-errors';
import type { BodyReservation } from '../http/body-budget';

export interface ReadBodyOptions {
  /** Largest body accepted (`qimen.maxBodyBytes`). */
  limit: number;
  /** This request's share of the edge's in-flight budget; refused growth answers `server-busy`. */
  reservation: BodyReservation;
  /** Sees each chunk as it arrives (the signature is computed as the body streams in). */
  onChunk: (chunk: Buffer) => void;
}

/**
 * The request body as raw bytes, whatever the Content-Type says: the signature covers these exact bytes.
 * A declared Content-Length is checked against the limit and reserved before a byte is read, and the body
 * is copied into one buffer of that size; a chunked body reserves each chunk as it comes. Over the limit
 * → `body-too-large`; over the budget → `server-busy`; a body cut short → `invalid-parameter`. A refused
 * body is not read further and its connection is closed after the answer.
 */
export async function readRawBody(ctx: Context, options: ReadBodyOptions): Promise<Buffer> {
  const { limit, reservation, onChunk } = options;
  const declared = ctx.request.length;
  const refuse = (err: QimenError): QimenError => {
    ctx.set('Connection', 'close');
    return err;
  };
  const tooLarge = () => refuse(new QimenError('body-too-large', `request body exceeds ${limit} bytes`));
  const busy = () => refuse(new QimenError('server-busy', 'too many request bodies in flight, please push again'));
  if (declared !== undefined && declared > limit) throw tooLarge();
  if (declared !== undefined && !reservation.grow(declared)) throw busy();

  const req = ctx.req;
  const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : null;
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise<Buffer>((resolve, reject) => {
    const done = (err: QimenError | Error | null, body?: Buffer) => {
      req.off('data', onData).off('end', onEnd).off('aborted', onCut).off('close', onCut).off('error', onError);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return done(tooLarge());
      if (whole) {
        if (received > whole.length) return done(refuse(new QimenError('invalid-parameter', 'request body is longer than its Content-Length')));
        chunk.copy(whole, received - chunk.length);
      } else {
        if (!reservation.grow(chunk.length)) return done(busy());
        chunks.push(chunk);
      }
      onChunk(chunk);
    };
    const onEnd = () => {
      if (whole && received !== whole.length) return done(new QimenError('invalid-parameter', 'request body ended before its Content-Length'));
      done(null, whole ?? Buffer.concat(chunks, received));
    };
    const onCut = () => done(new QimenError('invalid-parameter', 'request body ended before its Content-Length'));
    const onError = (err: Error) => done(err);
    req.on('data', onData).once('end', onEnd).once('aborted', onCut).once('close', onCut).once('error', onError);
  });
}
