import type { FieldProblem } from '../dto/field-problems';

/**
 * Every way a Qimen push can fail, with its stable `errorId` (docs/http-contract.md) and the `error` code of the
 * envelope. Thrown once where the cause is found, rendered once by the Qimen envelope middleware.
 * Assumption: Qimen documents only "500" for sign-check-failure; the other codes follow HTTP's meaning.
 */
export const QIMEN_ERRORS = {
  'sign-check-failure': { code: '500', httpStatus: 200 },
  'invalid-app-key': { code: '401', httpStatus: 200 },
  'invalid-timestamp': { code: '400', httpStatus: 200 },
  'invalid-method': { code: '404', httpStatus: 200 },
  'invalid-json': { code: '400', httpStatus: 200 },
  'invalid-parameter': { code: '400', httpStatus: 200 },
  'body-too-large': { code: '413', httpStatus: 200 },
  'rate-limited': { code: '429', httpStatus: 200 },
  // The request (headers and body) did not arrive within the server's request timeout (src/http/server.ts).
  'request-timeout': { code: '408', httpStatus: 408 },
  // Bodies in flight would pass qimen.maxInFlightBodyBytes: HTTP 503 so that the gateway pushes again.
  'server-busy': { code: '503', httpStatus: 503 },
  // HTTP 500 so that a gateway that retries on 5xx pushes again.
  'internal-error': { code: '500', httpStatus: 500 },
} as const;

export type QimenErrorId = keyof typeof QIMEN_ERRORS;

export class QimenError extends Error {
  override readonly name = 'QimenError';
  readonly code: string;
  readonly httpStatus: number;

  /**
   * For a refused field: its path ('' for the whole body) and its problem (src/dto/field-problems.ts), kept with
   * the rejected push so that the finance page words it.
   */
  constructor(readonly errorId: QimenErrorId, message: string, readonly field?: { path: string; problem: FieldProblem }) {
    super(message);
    this.code = QIMEN_ERRORS[errorId].code;
    this.httpStatus = QIMEN_ERRORS[errorId].httpStatus;
  }
}

export const signCheckFailure = () => new QimenError('sign-check-failure', 'Illegal request');
