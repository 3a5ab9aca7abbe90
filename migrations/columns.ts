import type { TableColumnOptions } from 'typeorm';

/** Column shapes every migration uses, so each table reads as its own columns only. */
export const idColumn: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };

/** A UTC time with millisecond precision (entities: UTC_DATETIME). */
export const utcColumn = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
