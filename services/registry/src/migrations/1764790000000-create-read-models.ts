// One migration set for both drivers: the tables are described with TypeORM's Table API and
// column types both SQLite (sql.js) and PostgreSQL understand, and each driver's query runner
// writes its own DDL. A hand-written SQL set per driver would have to be kept in step twice;
// a test checks that, after migrating, neither driver sees a difference to the entities.
import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

const pk = (name: string, type: 'text' | 'integer' = 'text'): TableColumnOptions => ({ name, type, isPrimary: true });
const req = (name: string, type: 'text' | 'integer' | 'boolean' | 'double precision' = 'text'): TableColumnOptions => ({ name, type, isNullable: false });
const opt = (name: string, type: 'text' | 'integer' | 'double precision' = 'text'): TableColumnOptions => ({ name, type, isNullable: true });

export class CreateReadModels1764790000000 implements MigrationInterface {
  name = 'CreateReadModels1764790000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'lineages',
        columns: [
          pk('name'),
          opt('preset'),
          opt('config'),
          opt('config_event_id'),
          opt('configured_at'),
          opt('champion_id'),
          req('batch_count', 'integer'),
          req('refused_batch_count', 'integer'),
          req('checkpoint_count', 'integer'),
          req('failed_count', 'integer'),
          req('promoted_count', 'integer'),
          req('rejected_count', 'integer'),
          req('rollback_count', 'integer'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'batches',
        columns: [
          pk('lineage'),
          pk('batch_id'),
          req('seq', 'integer'),
          req('status'),
          opt('records', 'integer'),
          opt('bytes', 'integer'),
          opt('rejected_records', 'integer'),
          opt('content_sha256'),
          opt('train_key'),
          opt('held_out_key'),
          opt('source'),
          opt('arrived_at'),
          opt('event_id'),
          opt('checkpoint_id'),
          opt('parent_id'),
          opt('increment'),
          opt('failure'),
          opt('refusal'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'checkpoints',
        columns: [
          pk('lineage'),
          pk('checkpoint_id'),
          req('seq', 'integer'),
          opt('parent_id'),
          req('batch_id'),
          opt('config'),
          req('object_key'),
          req('manifest_sha256'),
          req('steps', 'integer'),
          req('tokens', 'integer'),
          opt('train_loss', 'double precision'),
          req('wall_time_ms', 'integer'),
          req('backend'),
          req('saved_at'),
          req('saved_event_id'),
          opt('baseline_id'),
          opt('retention', 'double precision'),
          opt('plasticity', 'double precision'),
          opt('bwt', 'double precision'),
          opt('forgetting', 'double precision'),
          opt('scored_at'),
          opt('scored_event_id'),
          opt('decision'),
          opt('decision_rules'),
          opt('decision_policy'),
          opt('decided_at'),
          opt('decided_by'),
          opt('decision_event_id'),
        ],
      }),
    );
    await runner.createIndex('checkpoints', new TableIndex({ name: 'idx_checkpoints_checkpoint_id', columnNames: ['checkpoint_id'] }));
    await runner.createTable(
      new Table({
        name: 'champion_history',
        columns: [
          pk('lineage'),
          pk('position', 'integer'),
          req('checkpoint_id'),
          opt('previous_id'),
          req('kind'),
          req('reason'),
          req('changed_by'),
          req('changed_at'),
          req('event_id'),
          req('event_source'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'eval_scores',
        columns: [
          pk('lineage'),
          pk('checkpoint_id'),
          pk('eval_set'),
          req('batch_id'),
          req('is_new', 'boolean'),
          req('tokens', 'integer'),
          opt('baseline_id'),
          opt('candidate_loss', 'double precision'),
          opt('candidate_bpb', 'double precision'),
          opt('baseline_loss', 'double precision'),
          opt('baseline_bpb', 'double precision'),
          opt('untrained_loss', 'double precision'),
          opt('untrained_bpb', 'double precision'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'processed_events',
        columns: [pk('source'), pk('event_id'), req('type'), req('lineage'), req('time')],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['processed_events', 'eval_scores', 'champion_history', 'checkpoints', 'batches', 'lineages']) {
      await runner.dropTable(table);
    }
  }
}
