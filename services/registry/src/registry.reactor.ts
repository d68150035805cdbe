// What the registry does with every event: project it into the read models, and, when a
// candidate's scores arrive (or the evaluator gave up on scoring it), decide on its promotion and
// publish the decision.
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AnyEvent, EventOf } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { EVENT_LOG, EventPublisher, EventReactor, LineageProjection } from '@ratchet/service-kit';
import { CheckpointRow, EvalScoreRow, LineageRow } from './db/entities';
import { ChampionModels } from './generation/champion-models';
import { ReadModels } from './projection/read-models';
import { GuardOutcome, guardPromotion, guardScoringFailure } from './promotion/promotion-guard';
import { RegistryMetrics } from './registry-metrics';

@Injectable()
export class RegistryReactor implements EventReactor, OnApplicationBootstrap {
  readonly group = 'registry';
  private readonly logger = new Logger('registry');

  constructor(
    private readonly readModels: ReadModels,
    private readonly lineages: LineageProjection,
    private readonly publisher: EventPublisher,
    private readonly metrics: RegistryMetrics,
    private readonly models: ChampionModels,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {}

  async react(event: AnyEvent): Promise<void> {
    const projected = await this.readModels.project(event);
    if (projected) await this.observe(event);
    if (event.name === 'RetentionScored' || event.name === 'ScoringFailed') await this.decide(event);
  }

  /** Decisions a crash left unpublished: scores (or scoring failures) in the log with no decision yet. */
  async resume(): Promise<void> {
    for (const { event } of await this.log.read()) if (event.name === 'RetentionScored' || event.name === 'ScoringFailed') await this.decide(event);
  }

  /** The champion gauges, from the read models, as soon as the service is up. */
  async onApplicationBootstrap(): Promise<void> {
    for (const lineage of await this.readModels.db.getRepository(LineageRow).find()) await this.championGauges(lineage.name);
  }

  private async decide(cause: EventOf<'RetentionScored' | 'ScoringFailed'>): Promise<void> {
    const { checkpointId } = cause.data;
    const row = await this.readModels.db.getRepository(CheckpointRow).findOneBy({ lineage: cause.subject, checkpointId });
    if (row?.decision) return; // the read models hold a decision already
    const state = this.lineages.get(cause.subject);
    const outcome: GuardOutcome =
      cause.name === 'RetentionScored' ? guardPromotion(state, cause, this.publisher.source) : guardScoringFailure(state, cause, this.publisher.source);
    if (outcome.kind === 'skipped') {
      this.logger.debug?.({ msg: 'no decision', lineage: cause.subject, checkpointId, cause: cause.name, reason: outcome.reason });
      return;
    }
    const { event } = outcome;
    await this.publisher.publish(event);
    this.logger.log({ msg: event.name, lineage: cause.subject, checkpointId, cause: cause.name, failed: event.data.rules.filter((r) => !r.passed).map((r) => r.rule) });
  }

  private async observe(event: AnyEvent): Promise<void> {
    const lineage = event.subject;
    switch (event.name) {
      case 'ModelPromoted':
        this.metrics.promotions.inc({ lineage, outcome: 'promoted' });
        break;
      case 'PromotionRejected':
        this.metrics.promotions.inc({ lineage, outcome: 'rejected' });
        return;
      case 'ChampionRolledBack':
        this.metrics.rollbacks.inc({ lineage });
        break;
      default:
        return;
    }
    await this.championGauges(lineage);
    await this.models.evict(lineage);
  }

  private async championGauges(lineage: string): Promise<void> {
    const row = await this.readModels.db.getRepository(LineageRow).findOneBy({ name: lineage });
    const cells = row?.championId ? await this.readModels.db.getRepository(EvalScoreRow).findBy({ lineage, checkpointId: row.championId }) : [];
    this.metrics.champion(lineage, cells);
  }
}
