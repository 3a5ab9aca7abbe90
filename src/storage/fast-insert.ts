import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * An INSERT of one entity's columns, built once per DataSource and entity, for the hot path of a push:
 * TypeORM's query builder costs more CPU than the database does for these small rows (profiled; see
 * BENCHMARKS.md). Values are still converted by the driver's own `preparePersistentValue` (dates, booleans,
 * transformers), so rows are stored exactly as `em.insert` would store them.
 */
export class FastInsert<T extends ObjectLiteral> {
  private readonly sql: string;
  private readonly head: string;
  private readonly placeholders: string;
  private readonly columns: ColumnMetadata[];

  constructor(private readonly dataSource: DataSource, entity: EntityTarget<T>) {
    const meta = dataSource.getMetadata(entity);
    this.columns = meta.columns.filter((c) => !c.isGenerated);
    const q = (name: string) => dataSource.driver.escape(name);
    this.head = `INSERT INTO ${q(meta.tableName)} (${this.columns.map((c) => q(c.databaseName)).join(', ')})`;
    this.placeholders = this.columns.map(() => '?').join(', ');
    this.sql = `${this.head} VALUES (${this.placeholders})`;
  }

  /** The INSERT with `?` placeholders and its values, converted as the driver stores them. */
  statement(values: Partial<T>, override: Partial<Record<keyof T, unknown>> = {}): { sql: string; params: unknown[] } {
    const driver = this.dataSource.driver;
    const params = this.columns.map((c) => {
      if (c.propertyName in override) return override[c.propertyName as keyof T];
      const v = c.getEntityValue(values as ObjectLiteral);
      const transformed = c.transformer && !Array.isArray(c.transformer) ? c.transformer.to(v) : v;
      return driver.preparePersistentValue(transformed ?? null, c);
    });
    return { sql: this.sql, params };
  }

  /** The same INSERT of one row, made only when `condition` (SQL) holds: `INSERT … SELECT … FROM DUAL WHERE …`. */
  statementWhen(condition: string, values: Partial<T>, override: Partial<Record<keyof T, unknown>> = {}): { sql: string; params: unknown[] } {
    return { sql: `${this.head} SELECT ${this.placeholders} FROM DUAL WHERE ${condition}`, params: this.statement(values, override).params };
  }

  /** Inserts one row inside `em`'s transaction; returns the generated id (0 when the table has none). */
  async insert(em: EntityManager, values: Partial<T>): Promise<number> {
    if (!em.queryRunner) throw new Error('FastInsert runs inside a transaction');
    const { params } = this.statement(values);
    const result = (await em.queryRunner.query(this.sql, params, true)) as { raw: number | { insertId?: number } };
    return typeof result.raw === 'number' ? result.raw : Number(result.raw?.insertId ?? 0);
  }
}

const cache = new WeakMap<DataSource, Map<unknown, FastInsert<ObjectLiteral>>>();

export function fastInsert<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): FastInsert<T> {
  let byEntity = cache.get(dataSource);
  if (!byEntity) cache.set(dataSource, (byEntity = new Map()));
  let inserter = byEntity.get(entity);
  if (!inserter) byEntity.set(entity, (inserter = new FastInsert(dataSource, entity) as unknown as FastInsert<ObjectLiteral>));
  return inserter as unknown as FastInsert<T>;
}
