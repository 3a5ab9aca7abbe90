import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { utcColumn as utc } from './columns';

/** Issue 7: when a claim was sent again blind (no look-up after an ambiguous attempt), for the `resent-blind` flag. */
export class ClaimResentBlind1763910000000 implements MigrationInterface {
  name = 'ClaimResentBlind1763910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('claim', new TableColumn(utc('resentBlindAt', true)));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('claim', 'resentBlindAt');
  }
}
