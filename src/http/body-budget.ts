import type { Context, Middleware, Next } from 'koa';
import { type AnswerText, putAnswer } from './edge-failure';

/**
 * A per-process budget of request-body bytes held at once on an edge (`qimen.maxInFlightBodyBytes` for
 * /qimen, `callbacks.maxInFlightBodyBytes` for both callback routes, `finance.maxInFlightBodyBytes` for
 * /api). A request reserves its bytes before (Content-Length) or while (chunked) they arrive and gives them
 * back when its answer is sent; a request that would pass the budget is refused (`server-busy` in the edge's
 * envelope, HTTP 503) instead of being read. Unauthenticated bodies therefore cost at most the budget in
 * memory, whatever their number.
 *
 * Big bodies (over `bigBodyBytes`) may together hold only the budget less `smallBodyReserve`, so that a few
 * slow big bodies (the attacker's or a real 999,999-package push) never leave ordinary pushes without room.
 */
export interface BodyBudgetOptions {
  maxBytes: number;
  bigBodyBytes?: number;
  smallBodyReserve?: number;
}

export class BodyBudget {
  private held = 0;
  private heldByBig = 0;
  readonly maxBytes: number;
  private readonly bigBodyBytes: number;
  private readonly bigLimit: number;

  constructor(options: BodyBudgetOptions) {
    this.maxBytes = options.maxBytes;
    this.bigBodyBytes = options.bigBodyBytes ?? 1024 * 1024;
    const reserve = Math.min(options.smallBodyReserve ?? 8 * 1024 * 1024, Math.floor(options.maxBytes / 4));
    this.bigLimit = options.maxBytes - reserve;
  }

  /** A holder for one request's bytes; `grow` fails (false) when the budget cannot take `n` more. */
  open(): BodyReservation {
    let mine = 0;
    let big = false;
    return {
      grow: (n: number) => {
        const becomesBig = big || mine + n > this.bigBodyBytes;
        if (this.held + n > this.maxBytes) return false;
        const bigAfter = this.heldByBig + (becomesBig ? (big ? n : mine + n) : 0);
        if (becomesBig && bigAfter > this.bigLimit) return false;
        this.held += n;
        if (becomesBig) this.heldByBig = bigAfter;
        big = becomesBig;
        mine += n;
        return true;
      },
      release: () => {
        this.held -= mine;
        if (big) this.heldByBig -= mine;
        mine = 0;
        big = false;
      },
    };
  }

  get heldBytes(): number {
    return this.held;
  }
}

export interface BodyReservation {
  grow(n: number): boolean;
  release(): void;
}

/**
 * For an edge whose routes read their bodies with their own readers (the callbacks, the finance API): holds
 * each request's body bytes in `budget` from before the route reads them until its answer is sent — the
 * declared Content-Length, or `largestBody` for a chunked body (the route's reader stops there). A body
 * declared over `largestBody` reserves nothing: the route refuses it unread. A request that would pass the
 * budget gets `busy` (the edge's server-busy answer) and its connection is closed, its body unread.
 */
export function bodyBudgetGate(budget: BodyBudget, largestBody: number, busy: AnswerText): Middleware {
  return async (ctx: Context, next: Next) => {
    const declared = ctx.request.length;
    const chunked = declared === undefined && ctx.get('Transfer-Encoding') !== '';
    const bytes = chunked ? largestBody : declared !== undefined && declared <= largestBody ? declared : 0;
    if (bytes > 0) {
      const reservation = budget.open();
      ctx.res.once('close', reservation.release);
      if (!reservation.grow(bytes)) {
        ctx.set('Connection', 'close');
        ctx.state.serverBusy = true;
        return putAnswer(ctx, busy);
      }
    }
    await next();
  };
}
