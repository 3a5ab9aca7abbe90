import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { utcColumn as utc } from './columns';

/** Issue 15: the platform's time on the last status report applied to a claim, so an older one changes nothing. */
export class ClaimPlatformStatusAt1763936000000 implements MigrationInterface {
  name = 'ClaimPlatformStatusAt1763936000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('claim', new TableColumn(utc('platformStatusAt', true)));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('claim', 'platformStatusAt');
  }
}
