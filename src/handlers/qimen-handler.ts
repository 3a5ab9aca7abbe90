import type { ClassConstructor } from 'class-transformer';
import type { DataSource } from 'typeorm';
import type { RouteConfig } from '../config/schema';
import type { PackageIndexer } from '../storage/package-index';
import type { ReceivedPush } from '../storage/raw-push-store';

/** What a Qimen method handler receives: the verified push and its validated DTO. */
export interface QimenPush<T> {
  push: ReceivedPush;
  /** The body as parsed JSON (unknown extra fields included). */
  json: Record<string, unknown>;
  dto: T;
}

export interface QimenHandlerDeps {
  dataSource: DataSource;
  /** The configured routes: which claims a stored judgment calls for. */
  routes: readonly RouteConfig[];
  /** Writes big pushes' package rows after their answer. */
  packageIndexer: PackageIndexer;
}

/** One Qimen method: its DTO class and what it does with a valid push; returns the envelope's `data`. */
export interface QimenHandler<T extends object = object> {
  readonly method: string;
  readonly dto: ClassConstructor<T>;
  handle(push: QimenPush<T>, deps: QimenHandlerDeps): Promise<object>;
  /**
   * Before validation: the envelope's `data` when the body is a judgment this process knows was stored
   * and the database confirms it is still the latest (src/storage/known-duplicates.ts); null otherwise.
   * `json()` parses the body (once; it throws the invalid-json QimenError), only when it is needed.
   */
  answerKnownDuplicate?(push: ReceivedPush, json: () => Record<string, unknown>, deps: QimenHandlerDeps): Promise<object | null>;
}
