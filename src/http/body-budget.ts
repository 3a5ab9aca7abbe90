/**
 * A per-process budget of request-body bytes held at once on an edge (`qimen.maxInFlightBodyBytes` for
 * /qimen). A request reserves its bytes before (Content-Length) or while (chunked) they arrive and gives them
 * back when its answer is sent; a request that would pass the budget is refused (Qimen `server-busy`, HTTP
 * 503) instead of being read. Unauthenticated bodies therefore cost at most the budget in memory, whatever
 * their number.
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
