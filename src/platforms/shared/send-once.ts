import type { SendOutcome, SendResult } from '../types';
import { FieldRuleError } from './field-rules';
import type { HttpReply, PlatformHttp, PlatformHttpRequest } from './http-call';

/** A built request, or the terminal outcome of a claim that fails the platform's limits before sending. */
export type BuiltRequest = { ok: true; request: PlatformHttpRequest } | { ok: false; outcome: SendOutcome };

/** Runs a request builder; a FieldRuleError (a limit the claim breaks) becomes its terminal outcome. */
export function buildChecked(build: () => PlatformHttpRequest): BuiltRequest {
  try {
    return { ok: true, request: build() };
  } catch (error) {
    if (error instanceof FieldRuleError) return { ok: false, outcome: error.toOutcome() };
    throw error;
  }
}

/** Sends a built request once and interprets the answer; a request that failed its checks is not sent. */
export async function sendOnce(
  http: PlatformHttp,
  built: BuiltRequest,
  interpret: (reply: HttpReply) => SendOutcome,
): Promise<SendResult> {
  if (!built.ok) return { outcome: built.outcome, exchange: null };
  const { reply, exchange } = await http.call(built.request);
  return { outcome: interpret(reply), exchange };
}
