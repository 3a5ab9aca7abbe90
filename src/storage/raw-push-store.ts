import { promisify } from 'node:util';
import { gzip, gunzip } from 'node:zlib';
import type { DataSource, EntityManager } from 'typeorm';
import { RawPush, RawPushChunk } from '../entities';
import { sha256Hex } from './canonical-json';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Largest chunk row: fits a BLOB (64 KiB) on MySQL/MariaDB and keeps every packet far below 16 MiB. */
export const CHUNK_BYTES = 60_000;

/** Bodies up to this size are stored as received: gzip would cost more CPU than it saves. */
const COMPRESS_ABOVE = 4096;

/** Headers whose values are credentials: never stored. */
const SECRET_HEADER = /authorization|cookie|secret|token|password|api[-_]?key|session/i;

export interface ReceivedPush {
  receivedAt: Date;
  method: string;
  appKey: string;
  signMethod: string;
  /** Decoded query parameters; `sign` is dropped before storing. */
  query: ReadonlyMap<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  bodySha256: string;
}

export function storableHeaders(headers: ReceivedPush['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !SECRET_HEADER.test(name)) kept[name] = value;
  }
  return kept;
}

/** A body ready to store: inline when it fits one BLOB, else in chunks. */
export interface EncodedBody {
  encoding: 'identity' | 'gzip';
  inline: Buffer | null;
  chunks: Buffer[];
}

/** Encodes a body for storing. Compression runs off the event loop (zlib's thread pool), before the transaction. */
export async function encodeBody(body: Buffer): Promise<EncodedBody> {
  const encoding = body.length > COMPRESS_ABOVE ? 'gzip' : 'identity';
  const packed = encoding === 'gzip' ? await gzipAsync(body) : body;
  if (packed.length <= CHUNK_BYTES) return { encoding, inline: packed, chunks: [] };
  const chunks: Buffer[] = [];
  for (let at = 0; at < packed.length; at += CHUNK_BYTES) chunks.push(packed.subarray(at, at + CHUNK_BYTES));
  return { encoding, inline: null, chunks };
}

/** The raw_push row of a push: the query without `sign`, headers without credentials, the encoded body. */
export function rawPushRow(push: ReceivedPush, encoded: EncodedBody): Partial<RawPush> {
  const query = Object.fromEntries([...push.query].filter(([k]) => k !== 'sign'));
  return {
    receivedAt: push.receivedAt,
    method: push.method,
    appKey: push.appKey,
    query: JSON.stringify(query),
    headers: JSON.stringify(storableHeaders(push.headers)),
    verification: `${push.signMethod}:ok`,
    bodySha256: push.bodySha256,
    bodyBytes: push.body.length,
    bodyEncoding: encoded.encoding,
    body: encoded.inline,
    chunkCount: encoded.chunks.length,
  };
}

/** A stored push's query (without `sign`) and headers, as the objects they were stored from (the one place that reads them back). */
export function storedRequestOf(raw: Pick<RawPush, 'query' | 'headers'>): { query: Record<string, string>; headers: Record<string, string | string[]> } {
  return { query: JSON.parse(raw.query) as Record<string, string>, headers: JSON.parse(raw.headers) as Record<string, string | string[]> };
}

/** A stored (or exported) push as the ReceivedPush it was: its query (without `sign`), headers and body. */
export function receivedPushOf(
  stored: { receivedAt: Date | string; method: string; appKey: string; query: Record<string, string>; headers: ReceivedPush['headers']; verification: string },
  body: Buffer,
): ReceivedPush {
  return {
    receivedAt: new Date(stored.receivedAt), method: stored.method, appKey: stored.appKey, signMethod: stored.verification.split(':')[0],
    query: new Map(Object.entries(stored.query)), headers: stored.headers, body, bodySha256: sha256Hex(body),
  };
}

/** The body exactly as received, reassembled and checked against its stored sha256. */
export async function readRawPushBody(dataSource: DataSource | EntityManager, rawPushId: number): Promise<Buffer> {
  const em = 'manager' in dataSource ? dataSource.manager : dataSource;
  const push = await em.findOneByOrFail(RawPush, { id: rawPushId });
  const encoded = push.body ?? Buffer.concat((await em.find(RawPushChunk, { where: { rawPushId }, order: { seq: 'ASC' } })).map((c) => c.data));
  const body = push.bodyEncoding === 'gzip' ? await gunzipAsync(encoded) : encoded;
  if (sha256Hex(body) !== push.bodySha256) throw new Error(`raw push ${rawPushId}: stored body does not match its sha256`);
  return body;
}
