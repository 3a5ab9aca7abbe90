import type { DataSource, EntityManager } from 'typeorm';

/** A table or column name quoted for the database behind `db` (backticks on MySQL, double quotes on SQLite). */
export const sqlName = (db: EntityManager | DataSource, name: string): string => ('connection' in db ? db.connection : db).driver.escape(name);
