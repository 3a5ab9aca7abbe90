import { validateDto } from '../dto/validate-dto';
import { QimenError } from '../errors/qimen-errors';
import type { QimenHandler, QimenHandlerDeps } from '../handlers/qimen-handler';
import { parsePushJson, PushJsonError } from '../json/push-json';
import type { ReceivedPush } from '../storage/raw-push-store';

/**
 * What happens to a push whose signature verified, wherever it comes from: a request on /qimen, an exported
 * push imported again, or a push kept as rejected and re-validated after an upgrade. Each refusal is the
 * QimenError the caller answers or reports.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export type QimenHandlers = ReadonlyMap<string, QimenHandler>;

/** A verified push read and validated: its handler, the body as parsed JSON and its DTO. */
export interface ReadPush {
  handler: QimenHandler;
  json: Record<string, unknown>;
  dto: object;
}

function handlerOf(handlers: QimenHandlers, push: ReceivedPush): QimenHandler {
  const handler = handlers.get(push.method);
  if (!handler) throw new QimenError('invalid-method', push.method ? `method ${push.method} is not supported` : 'method is required');
  if (!['json', 'xml'].includes((push.query.get('format') ?? 'json').toLowerCase())) throw new QimenError('invalid-parameter', 'format must be json or xml');
  return handler;
}

function validated(handler: QimenHandler, json: Record<string, unknown>): ReadPush {
  const valid = validateDto(handler.dto, json);
  if (!valid.ok) throw new QimenError('invalid-parameter', valid.message, { path: valid.path, problem: valid.problem });
  return { handler, json, dto: valid.value };
}

/** method → JSON → DTO, storing nothing: whether the push would be accepted, and what it holds. */
export function readVerifiedPush(handlers: QimenHandlers, push: ReceivedPush): ReadPush {
  return validated(handlerOf(handlers, push), parseJsonObject(push.body));
}

/**
 * method → (a known duplicate is answered with its data, its body parsed only when its bytes are new) →
 * JSON → DTO → handler. Answers the data of the success, once what it implies is committed.
 */
export async function acceptVerifiedPush(handlers: QimenHandlers, deps: QimenHandlerDeps, push: ReceivedPush): Promise<object> {
  const handler = handlerOf(handlers, push);
  let parsed: Record<string, unknown> | undefined;
  const json = () => (parsed ??= parseJsonObject(push.body));
  const known = await handler.answerKnownDuplicate?.(push, json, deps);
  if (known) return known;
  const read = validated(handler, json());
  return handler.handle({ push, json: read.json, dto: read.dto }, deps);
}

/** The body as a JSON object, its numbers kept as the text sent (src/json/push-json.ts), never a float. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new QimenError('invalid-json', 'body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = parsePushJson(text);
  } catch (err) {
    if (!(err instanceof PushJsonError)) throw err;
    throw new QimenError('invalid-json', `body is not valid JSON: ${err.message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new QimenError('invalid-json', 'body must be a JSON object');
  return value as Record<string, unknown>;
}
