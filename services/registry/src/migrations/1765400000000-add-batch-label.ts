// The batch's label (DataBatchArrived / BatchRejected `label`): a nullable text column, so rows
// projected before it came in keep their content and read as unlabelled. Written with the Table
// API like the first migration, so SQLite and PostgreSQL each get their own DDL.
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

export class AddBatchLabel1765400000000 implements MigrationInterface {
  name = 'AddBatchLabel1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('batches', new TableColumn({ name: 'label', type: 'text', isNullable: true }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('batches', 'label');
  }
}
