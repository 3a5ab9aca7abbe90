import { DataSource } from 'typeorm';
import { openMigratedDatabase, TEST_DATABASES } from '../support/databases';

describe.each(TEST_DATABASES)('schema on %s', (kind) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, close } = await openMigratedDatabase(kind));
  });
  afterAll(() => close());

  it('has no pending migration after the migrations ran', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('matches the entities exactly: TypeORM would generate no migration', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('rolls back to an empty schema and forward again', async () => {
    const migrations = dataSource.migrations.length;
    for (let i = 0; i < migrations; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.createQueryRunner().getTables(['work_order']);
    expect(tables).toHaveLength(0);
    await dataSource.runMigrations();
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
