// The registry's Prometheus series, registered on the kit's per-service registry.
import { Injectable } from '@nestjs/common';
import { Metrics } from '@ratchet/service-kit';
import { Counter, Gauge } from 'prom-client';
import { CheckpointRow } from './db/entities';

@Injectable()
export class RegistryMetrics {
  readonly promotions: Counter<'lineage'>;
  readonly rejections: Counter<'lineage'>;
  readonly rollbacks: Counter<'lineage'>;
  readonly decisionsEmitted: Counter<'lineage' | 'outcome'>;
  private readonly retention: Gauge<'lineage'>;
  private readonly plasticity: Gauge<'lineage'>;

  constructor(metrics: Metrics) {
    this.promotions = metrics.counter('ratchet_registry_promotions_total', 'Models promoted to champion', ['lineage']);
    this.rejections = metrics.counter('ratchet_registry_rejections_total', 'Candidates rejected by the promotion guard', ['lineage']);
    this.rollbacks = metrics.counter('ratchet_registry_rollbacks_total', 'Champion rollbacks', ['lineage']);
    this.decisionsEmitted = metrics.counter('ratchet_registry_decisions_emitted_total', 'Promotion decisions this registry published', ['lineage', 'outcome']);
    this.retention = metrics.gauge('ratchet_registry_champion_retention', "The champion's retention score (from its RetentionScored)", ['lineage']);
    this.plasticity = metrics.gauge('ratchet_registry_champion_plasticity', "The champion's plasticity score (from its RetentionScored)", ['lineage']);
  }

  /** Sets the champion gauges of a lineage (removed when the champion has no such score). */
  champion(lineage: string, champion: CheckpointRow | null): void {
    for (const [gauge, value] of [
      [this.retention, champion?.retention ?? null],
      [this.plasticity, champion?.plasticity ?? null],
    ] as const) {
      if (value === null) gauge.remove({ lineage });
      else gauge.set({ lineage }, value);
    }
  }
}
