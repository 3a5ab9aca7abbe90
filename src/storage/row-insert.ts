import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { isSqlite } from './transactions';

/**
 * Multi-row INSERTs of one entity's columns (every column but the generated id), from the entity's
 * metadata: a column added to an entity is written with no change here. Values are converted by the
 * driver's own `preparePersistentValue` (dates, booleans, transformers), so rows are stored exactly as
 * `em.insert` would store them, without its per-row query building.
 */
export class RowInsert<T extends ObjectLiteral> {
  readonly table: string;
  private readonly head: string;
  private readonly rowPlaceholders: string;
  private readonly columns: ColumnMetadata[];
  /** Each column's value of a row: its property, or TypeORM's reading of an embedded or relation column. */
  private readonly readers: Array<(row: ObjectLiteral) => unknown>;

  constructor(private readonly dataSource: DataSource, entity: EntityTarget<T>) {
    const meta = dataSource.getMetadata(entity);
    this.columns = meta.columns.filter((c) => !c.isGenerated);
    this.readers = this.columns.map((c) => (c.embeddedMetadata || c.relationMetadata ? (row) => c.getEntityValue(row) : (row) => row[c.propertyName]));
    const q = (name: string) => dataSource.driver.escape(name);
    this.table = q(meta.tableName);
    this.head = `INSERT INTO ${this.table} (${this.columns.map((c) => q(c.databaseName)).join(', ')}) VALUES `;
    this.rowPlaceholders = `(${this.columns.map(() => '?').join(', ')})`;
  }

  /** One row's values, converted as the driver stores them (its preparePersistentValue applies the column's transformer). */
  private values(row: Partial<T>): unknown[] {
    const driver = this.dataSource.driver;
    return this.columns.map((c, i) => driver.preparePersistentValue(this.readers[i](row as ObjectLiteral) ?? null, c));
  }

  /** The INSERT of `rows` as one statement with `?` placeholders, and its values. */
  statement(rows: readonly Partial<T>[]): { sql: string; params: unknown[] } {
    return { sql: this.head + rows.map(() => this.rowPlaceholders).join(', '), params: rows.flatMap((r) => this.values(r)) };
  }

  /**
   * Inserts `rows` in one statement inside `em`'s transaction and returns the smallest id it generated
   * (0 for no rows). The ids of a multi-row INSERT are all at least that, though not necessarily
   * consecutive (MySQL's innodb_autoinc_lock_mode=2 interleaves concurrent statements): insertWithIds gives them all.
   */
  async insert(em: EntityManager, rows: readonly Partial<T>[]): Promise<number> {
    if (rows.length === 0) return 0;
    if (!em.queryRunner) throw new Error('RowInsert runs inside a transaction');
    const { sql, params } = this.statement(rows);
    const { raw } = (await em.queryRunner.query(sql, params, true)) as { raw: number | bigint | { insertId?: number } };
    // MySQL answers the first id of the statement; SQLite the last rowid, and its one writer numbers a statement's rows consecutively.
    if (isSqlite(this.dataSource)) return Number(raw) - rows.length + 1;
    return Number((raw as { insertId?: number }).insertId ?? 0);
  }

  /**
   * Inserts `rows` and returns their ids in order. Where the database numbers one statement's rows
   * consecutively (see idNumbering) they follow from the first id; otherwise they are read back by
   * `keyColumns`, which together are different for every row of the call, and no row of another
   * transaction with the same key can appear meanwhile (the caller holds the lock that guarantees it).
   */
  async insertWithIds(em: EntityManager, rows: readonly Partial<T>[], keyColumns: ReadonlyArray<keyof T & string>): Promise<number[]> {
    const firstId = await this.insert(em, rows);
    if (rows.length <= 1) return rows.map(() => firstId);
    const numbering = await idNumbering(em);
    if (numbering.consecutive) return rows.map((_row, i) => firstId + i * numbering.step);
    const q = (name: string) => this.dataSource.driver.escape(name);
    const keyOf = (values: readonly unknown[]) => JSON.stringify(values.map(String));
    const filterValues = [...new Set(rows.map((r) => r[keyColumns[0]] as unknown))];
    const found = (await em.query(
      `SELECT ${q('id')} AS id, ${keyColumns.map((c) => q(c)).join(', ')} FROM ${this.table} ` +
        `WHERE ${q('id')} >= ? AND ${q(keyColumns[0])} IN (${filterValues.map(() => '?').join(', ')})`,
      [firstId, ...filterValues],
    )) as Array<Record<string, unknown>>;
    const idOf = new Map<string, number>();
    for (const row of found) {
      const key = keyOf(keyColumns.map((c) => row[c]));
      if (idOf.has(key)) throw new Error(`${this.table}: two rows with the key ${key} since id ${firstId}`);
      idOf.set(key, Number(row.id));
    }
    return rows.map((r) => {
      const id = idOf.get(keyOf(keyColumns.map((c) => r[c])));
      if (id === undefined) throw new Error(`${this.table}: an inserted row was not found by its key`);
      return id;
    });
  }
}

/** How a database numbers the rows of one multi-row INSERT: from the first id in steps of `step`, or in no order known in advance. */
export type IdNumbering = { consecutive: true; step: number } | { consecutive: false };

/**
 * MySQL/MariaDB's numbering from its settings. innodb_autoinc_lock_mode 0 ("traditional") and 1
 * ("consecutive", MariaDB's default) give the rows of an INSERT … VALUES consecutive ids, auto_increment_increment
 * apart; 2 ("interleaved", which Galera requires) lets concurrent statements interleave theirs.
 */
export function mysqlIdNumbering(settings: { lockMode: number; increment: number }): IdNumbering {
  return settings.lockMode === 2 ? { consecutive: false } : { consecutive: true, step: settings.increment };
}

/** Numberings asked of a MySQL/MariaDB server, by the pooled connection that asked. */
const numberings = new WeakMap<object, Promise<IdNumbering>>();
/** Data sources whose every statement's ids are read back (readIdsBack). */
const readingBack = new WeakSet<DataSource>();

/**
 * The numbering of the server behind the caller's connection, asked once per connection and on that
 * connection: a server restarted with another innodb_autoinc_lock_mode is asked again on the new
 * connections, and a second connection could wait for a pool whose every connection is held by a
 * transaction waiting here. SQLite's one writer numbers a statement's rows consecutively.
 */
function idNumbering(em: EntityManager): Promise<IdNumbering> {
  const dataSource = em.connection;
  if (readingBack.has(dataSource)) return Promise.resolve({ consecutive: false });
  if (isSqlite(dataSource)) return Promise.resolve({ consecutive: true, step: 1 });
  // The pooled connection the transaction holds (TypeORM keeps it on the query runner).
  const connection = (em.queryRunner as unknown as { databaseConnection?: object } | undefined)?.databaseConnection;
  if (!connection) throw new Error('RowInsert runs inside a transaction');
  let numbering = numberings.get(connection);
  if (!numbering) {
    numbering = (em.query('SELECT @@innodb_autoinc_lock_mode AS lockMode, @@auto_increment_increment AS increment') as Promise<Array<Record<string, unknown>>>)
      .then(([row]) => mysqlIdNumbering({ lockMode: Number(row.lockMode), increment: Number(row.increment) }));
    numberings.set(connection, numbering);
    numbering.catch(() => numberings.delete(connection)); // asked again by the next transaction on it
  }
  return numbering;
}

/** Makes insertWithIds read every statement's ids back, as on a server in innodb_autoinc_lock_mode 2 (tests hold that path to the other). */
export function readIdsBack(dataSource: DataSource): void {
  readingBack.add(dataSource);
}

const cache = new WeakMap<DataSource, Map<unknown, RowInsert<ObjectLiteral>>>();

/** The data source's RowInsert of `entity`, built once. */
export function rowInsert<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): RowInsert<T> {
  let byEntity = cache.get(dataSource);
  if (!byEntity) cache.set(dataSource, (byEntity = new Map()));
  let inserter = byEntity.get(entity);
  if (!inserter) byEntity.set(entity, (inserter = new RowInsert(dataSource, entity) as unknown as RowInsert<ObjectLiteral>));
  return inserter as unknown as RowInsert<T>;
}
