/**
 * stdout or stderr, whose reader may go away (`claim-relay … | head -2`). Node ignores SIGPIPE, so a write
 * to a pipe nobody reads fails with EPIPE, emitted as an 'error' on the stream: unhandled, that kills the
 * process. Once the reader has gone, the stream is destroyed and later writes are dropped without an error;
 * any other error is thrown as before.
 */
export function ignoringClosedReader(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!stream.listeners('error').includes(dropAfterEpipe)) stream.on('error', dropAfterEpipe);
  return stream;
}

function dropAfterEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}
