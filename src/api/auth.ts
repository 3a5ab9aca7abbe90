import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Config } from '../config/schema';
import { forbidden, unauthorized } from './api-error';

export type Role = 'viewer' | 'operator';

/** Who made a finance request: the token's name and role (never the token itself). */
export interface Caller {
  name: string;
  role: Role;
}

interface StoredToken extends Caller {
  hash: Buffer;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Bearer-token auth over `finance.tokens`. Tokens are kept only as SHA-256 hashes from start-up on and
 * compared in constant time against every configured hash (no early exit that would time a match).
 */
export function financeAuth(tokens: Config['finance']['tokens']) {
  const stored: StoredToken[] = tokens.map((t) => ({ name: t.name, role: t.role, hash: sha256(t.token) }));
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    const given = sha256(match[1]);
    let caller: Caller | null = null;
    for (const t of stored) if (timingSafeEqual(t.hash, given) && !caller) caller = { name: t.name, role: t.role };
    if (!caller) throw unauthorized();
    ctx.state.caller = caller;
    await next();
  };
}

/** Only callers with the operator role may pass. */
export async function requireOperator(ctx: Context, next: Next) {
  const caller = ctx.state.caller as Caller;
  if (caller.role !== 'operator') throw forbidden(caller.role);
  await next();
}
