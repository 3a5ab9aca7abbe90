/** DATABASE_URL when unset: an embedded SQLite file, created at first start (ormconfig.ts). */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/claim-relay.sqlite';
